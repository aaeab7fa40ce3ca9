"""`reportgen verify`, `reportgen keygen`, `reportgen sign`: prove that a report matches its data.

verify REPORT [INPUT] [--signature SIG --public-key PUB]  exit 0 verified, 1 mismatch, 2 unreadable
keygen -o DIR (or keygen DIR)                               DIR/PRIVATE.pem (unencrypted, 0600), DIR/PUBLIC.pem
sign REPORT --key PRIVATE.pem [--verifier NAME] [-o SIG]    REPORT.sig.json, only for a report that verifies;
    [--force]                                               an existing file replaced only then, a key file never
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
from pathlib import Path

from reportgen.commands import (
    StandardChoice,
    add_lang,
    add_output_file,
    add_output_folder,
    add_result_format,
    colon,
    output_or_positional,
)
from reportgen.errors import ReportgenError
from reportgen.output import atomic_write
from reportgen.presentation import fmt
from reportgen.proof import signing
from reportgen.proof.checks import Check, show
from reportgen.proof.verify import VerifyResult, verify_report
from reportgen.resources import strings, t
from reportgen.standard import load_standard
from reportgen.version import __version__

LANG_HELP = "language of the messages (default: en)"


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "verify",
        help="check that a PDF or workbook report matches the data it carries",
        description="Re-evaluate the inputs embedded in a report made by reportgen and check that its "
        "fingerprint, status, missing items and totals match, and (with INPUT) that your input file has the "
        "same fingerprint; with --signature and --public-key, also check a verifier's signature. Exit code "
        "0 verified, 1 mismatch, 2 unreadable file or not a reportgen report.",
    )
    p.add_argument("report", help="the .pdf or .xlsx report")
    p.add_argument("input", nargs="?", help="optional disclosure file (.yaml, .json, .xlsx) it was made from")
    p.add_argument("--signature", metavar="SIG", help="signature file written by `reportgen sign`")
    p.add_argument("--public-key", metavar="PUB", help="the verifier's PUBLIC.pem")
    p.add_argument(
        "--baseline",
        metavar="BASELINE",
        default=None,
        help="the baseline disclosure of a report rendered with --baseline: its fingerprint and the "
        "whole embedded comparison are checked",
    )
    add_result_format(p, "every check with its differences")
    add_lang(p, help="language of the text output (default: en; the JSON output is in English)")
    p.set_defaults(func=run_verify)

    p = sub.add_parser(
        "keygen",
        help="make an Ed25519 key pair for signing reports",
        description="Write DIR/PRIVATE.pem (PKCS8, NOT encrypted: the file is created readable by you only, "
        "mode 0600; keep it secret) and DIR/PUBLIC.pem (give it to anyone who checks your signatures). "
        "Existing keys are never overwritten.",
    )
    p.add_argument("dir", nargs="?", metavar="DIR", help="the same as -o DIR")
    add_output_folder(p, None, "the two key files (PRIVATE.pem, PUBLIC.pem)")
    add_lang(p, help=LANG_HELP)
    p.set_defaults(func=run_keygen)

    p = sub.add_parser(
        "sign",
        help="sign a report you verified (writes REPORT.sig.json)",
        description="Verify the report, then write REPORT.sig.json: a statement (fingerprint, SHA-256 of "
        "the report file, standard edition, verifier, verification level, date, tool version) signed with "
        "your Ed25519 private key. A report that does not verify is not signed (exit 1). An existing file is "
        "replaced only with --force, and a key file never.",
    )
    p.add_argument("report", help="the .pdf or .xlsx report")
    p.add_argument("--key", required=True, metavar="PRIVATE.pem", help="private key from `reportgen keygen`")
    p.add_argument(
        "--verifier",
        metavar="NAME",
        help="who verified (default: verification.provider declared in the report)",
    )
    p.add_argument(
        "--level",
        metavar="LEVEL",
        type=StandardChoice(
            "a verification level of clause 10", lambda std: std.enum_values("verification_level")
        ),
        help="verification level attested, a value of verification.level (default: the level the "
        "report declares)",
    )
    add_output_file(p, metavar="SIG", what="signature file to write", default="REPORT.sig.json")
    p.add_argument(
        "--force",
        action="store_true",
        help="replace an existing signature file (a key file is never replaced)",
    )
    add_lang(p, help=LANG_HELP + "; the signed statement itself has no language")
    p.set_defaults(func=run_sign)


# --- verify -----------------------------------------------------------------------------------------


def run_verify(args: argparse.Namespace) -> int:
    if (args.signature is None) != (args.public_key is None):
        raise ReportgenError("give both --signature SIG and --public-key PUB to check a signature.")
    result = verify_report(
        args.report,
        args.input,
        signature_path=args.signature,
        public_key_path=args.public_key,
        baseline_path=args.baseline,
    )
    if args.format == "json":
        json.dump(result_json(result), sys.stdout, ensure_ascii=False, indent=2)
        sys.stdout.write("\n")
    else:
        sys.stdout.write(verify_text(result, args.lang or "en"))
    return result.exit_code


def result_json(result: VerifyResult) -> dict:
    return {
        "report": result.report,
        "kind": result.kind,
        "standard": result.standard,
        "fingerprint": result.fingerprint,
        "tool_version": result.tool_version,
        "verified": result.ok,
        "checks": [
            {
                "name": c.name,
                "ok": c.ok,
                "detail": c.detail,
                "differences": [
                    {"field": d.field, "expected": d.expected, "found": d.found} for d in c.differences
                ],
            }
            for c in result.checks
        ],
    }


def check_text(check: Check, lang: str) -> tuple[str, str]:
    """The name and sentence of a check. In English, the check's own sentence with the report's specifics;
    in another language, what the check establishes (templates/strings-cli.yaml, by check name)."""
    entry = strings()["verify_checks"].get(check.name) if lang != "en" else None
    return (entry["name"], entry["does"]) if entry else (check.name, check.detail)


def _show(value: object, lang: str) -> str:
    if value is None:
        return t("verify_nothing", lang)
    if isinstance(value, (list, tuple)) and not value:
        return t("verify_none", lang)
    return show(value)


def verify_text(result: VerifyResult, lang: str = "en") -> str:
    """What was checked, one line each; under a failed check, every difference: field, expected, found."""
    kind = t("verify_kind_pdf" if result.kind == "pdf" else "verify_kind_xlsx", lang)
    made = t("verify_made_by", lang).format(version=result.tool_version) if result.tool_version else ""
    out = [
        fmt.fill(
            t("verify_heading", lang),
            {"report": result.report, "kind": kind, "standard": result.standard, "made": made},
            lang,
        ),
        f"{colon(t('fingerprint', lang), lang)} {result.fingerprint}",
    ]
    marks = {True: t("verify_ok", lang), False: t("verify_fail", lang)}
    width = max(len(m) for m in marks.values())
    for c in result.checks:
        name, detail = check_text(c, lang)
        out.append(f"  {marks[c.ok]:<{width}}  {colon(name, lang)} {detail}")
        for d in c.differences:
            out.append(
                "          "
                + t("verify_difference", lang).format(
                    field=d.field, expected=_show(d.expected, lang), found=_show(d.found, lang)
                )
            )
    failed = result.failed()
    if not failed:
        out.append(t("verify_passed", lang).format(n=len(result.checks)))
    else:
        names = ", ".join(check_text(c, lang)[0] for c in failed)
        out.append(t("verify_failed", lang).format(k=len(failed), n=len(result.checks), names=names))
        if result.tool_version and result.tool_version != __version__:
            out.append(t("verify_version_note", lang).format(made=result.tool_version, now=__version__))
    return "\n".join(out) + "\n"


# --- keygen and sign --------------------------------------------------------------------------------


def run_keygen(args: argparse.Namespace) -> int:
    private, public = signing.generate_keypair(
        Path(output_or_positional(args, "dir", "reportgen keygen -o keys/"))
    )
    lang = args.lang or "en"
    print(t("keygen_private", lang).format(path=private))
    print(t("keygen_public", lang).format(path=public))
    return 0


def run_sign(args: argparse.Namespace) -> int:
    report = Path(args.report)
    out = Path(args.output) if args.output else signing.signature_path(report)
    signing.check_output(out, args.force)  # before any work: never a key, another file only with --force
    key = signing.load_private_key(Path(args.key))  # a bad key fails before any work
    result = verify_report(report)
    lang = args.lang or "en"
    if not result.ok:
        sys.stdout.write(verify_text(result, lang))
        print(f"reportgen: {t('sign_refused', lang).format(report=report)}", file=sys.stderr)
        return 1
    values = result.payload["evaluation"].get("values") or {}

    def declared(fid: str) -> str | None:
        v = values.get(fid)
        return str(v["value"]) if isinstance(v, dict) and v.get("value") not in (None, "") else None

    standard, edition = result.standard.split(" ", 1)
    roles = load_standard(edition, standard).roles  # a report that verifies is of a shipped edition
    verifier = args.verifier or declared(roles.verification_provider)
    if not verifier:
        raise ReportgenError(
            f"{report} names no verifier ({roles.verification_provider}); say who signs with --verifier NAME."
        )
    level = args.level or declared(roles.verification_level)
    if not level:
        raise ReportgenError(f"{report} declares no verification level; give it with --level.")
    statement = {
        "fingerprint": result.fingerprint,
        "report_sha256": signing.sha256_file(report),
        "standard": standard,
        "edition": edition,
        "verifier": verifier,
        "verification_level": level,
        "date": dt.date.today().isoformat(),  # signing is an event: today's date is the truth here
        "tool_version": __version__,  # the reportgen that verified (the report's maker is in its data)
    }
    doc = signing.sign_statement(statement, key)
    text = signing.dumps_signature(doc)
    signing.check_output(out, args.force)  # again: verifying took a while
    atomic_write(out, lambda tmp: tmp.write_text(text, encoding="utf-8"), protect=[report, Path(args.key)])
    print(
        t("sign_wrote", lang).format(
            path=out, verifier=verifier, level=level, key=doc["public_key_fingerprint"][:19]
        )
    )
    return 0
