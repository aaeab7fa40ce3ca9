"""`reportgen verify`: does a published report match the data it carries, and the data you hold?

A reportgen report (PDF or workbook) embeds its canonical inputs and its evaluation (`reportgen.proof.payload`).
Verification re-evaluates those inputs against the standard edition named in the report, then checks
(issue 6, SPEC clause 10):
  (a) the fingerprint printed in the report = the fingerprint recomputed from the embedded inputs = the
      embedded fingerprint;
  (b) the figures shown (status, missing items, totals) = the re-evaluation: both the embedded evaluation
      and what is printed on the page or in the cells;
  (c) when the reporter's input file is given, its fingerprint = the report's;
and, with a verifier's signature file and public key, that the signature holds for these exact bytes.

A file that cannot be read or is not a reportgen report raises InputError (exit 2); a report that can be
read but does not match gives a VerifyResult whose failed checks say the field, expected and found values.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from reportgen.errors import InputError
from reportgen.evaluation.model import Evaluation
from reportgen.evaluation.pipeline import evaluate_raw, fingerprint
from reportgen.proof import payload as embed
from reportgen.proof import pdf_text, signing
from reportgen.proof.checks import Check, Difference, ReportData
from reportgen.proof.checks import close as _close
from reportgen.proof.printed import printed_checks
from reportgen.proof.reeval import reevaluate, shipped_standard
from reportgen.standard import Standard


@dataclass
class VerifyResult:
    report: str
    kind: str  # "pdf" or "xlsx"
    fingerprint: str | None
    standard: str
    tool_version: str | None
    checks: list[Check] = field(default_factory=list)
    payload: dict[str, Any] = field(default_factory=dict, repr=False)  # the embedded data, for `sign`

    @property
    def ok(self) -> bool:
        return all(c.ok for c in self.checks)

    @property
    def exit_code(self) -> int:
        return 0 if self.ok else 1

    def failed(self) -> list[Check]:
        return [c for c in self.checks if not c.ok]


# --- reading ----------------------------------------------------------------------------------------


def read_report(path: Path) -> ReportData:
    """Open a report by its content (not its name): `%PDF-` → PDF, a zip → workbook, else exit 2."""
    path = Path(path)
    try:
        with open(path, "rb") as f:
            head = f.read(8)
    except FileNotFoundError:
        raise InputError(f"report not found: {path}") from None
    except IsADirectoryError:
        raise InputError(f"{path} is a folder; give the PDF or .xlsx report file.") from None
    except OSError as exc:
        raise InputError(f"cannot read {path}: {exc.strerror or exc}") from None
    if not head:
        raise InputError(f"{path} is empty; it is not a report made by reportgen.")
    if head.startswith(b"%PDF-"):
        kind, (payload, printed) = "pdf", read_pdf(path)
    elif head.startswith(b"PK\x03\x04"):
        kind, (payload, printed) = "xlsx", read_xlsx(path)
    else:
        raise InputError(
            f"{path} is neither a PDF nor an Excel workbook; `reportgen verify` checks the "
            ".pdf or .xlsx reports written by `reportgen render`."
        )
    check_payload_shape(payload, path)
    return ReportData(kind, payload, printed)


def _parse_payload(blob: bytes | str, path: Path, where: str) -> Any:
    try:
        return embed.loads(blob)
    except ValueError as exc:
        raise InputError(f"{path}: {where} is not valid JSON ({exc}); the report is damaged.") from None


def read_pdf(path: Path) -> tuple[Any, str]:
    """The `disclosure.json` attachment and the text a reader sees (see pdf_text). The data is parsed
    and shape-checked first: extracting the text is the slow part, and pointless for damaged data."""
    reader, blob = pdf_text.open_pdf(path)
    payload = _parse_payload(blob, path, f"the {embed.ATTACHMENT_NAME} attachment")
    check_payload_shape(payload, path)
    return payload, pdf_text.page_text(reader, path)


def read_xlsx(path: Path) -> tuple[Any, Any]:
    """The About-sheet JSON and the cell values, the file opened by the one bounded opener of workbooks."""
    from reportgen.inputs.tree import read_bytes
    from reportgen.inputs.xlsx_zip import MAX_FILE_BYTES, open_report
    from reportgen.presentation.xlsx import embedded_in

    wb = open_report(path, read_bytes(path, MAX_FILE_BYTES, what="a workbook report"))
    return embedded_in(wb, path), wb  # InputError for a workbook that carries no disclosure


def check_payload_shape(payload: Any, path: Path) -> None:
    """The embedded data must look like `embed.payload()`; otherwise the report is not ours (exit 2)."""
    try:
        embed.check_depth(payload)
    except ValueError as exc:
        raise InputError(f"{path}: the embedded {embed.ATTACHMENT_NAME} cannot be verified: {exc}.") from None
    if not isinstance(payload, dict) or payload.get("format") != embed.FORMAT:
        raise InputError(
            f"{path}: the embedded {embed.ATTACHMENT_NAME} is not reportgen disclosure data "
            f"(format '{embed.FORMAT}' expected)."
        )
    shapes = {"standard": str, "edition": str, "fingerprint": str, "inputs": dict, "evaluation": dict}
    bad = [k for k, t in shapes.items() if not isinstance(payload.get(k), t)]
    if not isinstance(payload.get("edition_digest", ""), str):
        bad.append("edition_digest")
    if not isinstance(payload.get("rejected", {}), dict):
        bad.append("rejected")
    ev = payload.get("evaluation") or {}
    if isinstance(ev, dict):
        ev_shapes = {"status": str, "missing": list, "totals": dict, "language": str}
        bad += [f"evaluation.{k}" for k, t in ev_shapes.items() if not isinstance(ev.get(k), t)]
    if bad:
        raise InputError(
            f"{path}: the embedded disclosure data is damaged ({', '.join(bad)} missing or of "
            "the wrong type); it cannot be verified."
        )


# --- checks -----------------------------------------------------------------------------------------


def edition_check(payload: dict[str, Any], std: Standard) -> Check:
    """The report was evaluated with the very encoding of the edition that this reportgen ships."""
    shipped = embed.edition_digest(std.directory)
    claimed = payload.get("edition_digest")
    name = f"{std.id} {std.edition}"
    if claimed is None:
        return Check(
            "edition",
            True,
            f"re-evaluated with the {name} that this reportgen ships (the report "
            "predates edition digests, reportgen 0.1.0, so it does not name the encoding it used)",
        )
    ok = claimed == shipped
    return Check(
        "edition",
        ok,
        f"the report was evaluated with the {name} that this reportgen ships"
        if ok
        else f"the report was evaluated with another encoding of {name} than the one this reportgen "
        "ships: a modified copy of the edition, or a reportgen version whose encoding differs",
        [] if ok else [Difference("edition_digest", shipped, claimed)],
    )


def inputs_fingerprint(payload: dict[str, Any], std: Standard) -> tuple[str | None, Check | None]:
    """The clause-10 fingerprint of the embedded inputs, or a failed check when RFC 8785 cannot encode
    them (a number beyond its range, which reportgen never writes into the canonical inputs)."""
    try:
        return fingerprint(std, payload["inputs"]), None
    except (
        ValueError,
        OverflowError,
        RecursionError,
    ) as exc:  # rfc8785.CanonicalizationError is a ValueError
        return None, Check(
            "canonical inputs",
            False,
            "the embedded inputs hold a value that RFC 8785 cannot "
            "encode, which reportgen never writes: the data was edited after the report was "
            "made",
            [
                Difference(
                    "embedded inputs",
                    "numbers within ±2⁵³ or finite decimals",
                    f"{type(exc).__name__}: {str(exc)[:100]}",
                )
            ],
        )


def fingerprint_checks(payload: dict[str, Any], of_inputs: str, reeval: Evaluation) -> list[Check]:
    """(a), data side: the embedded fingerprint is that of the embedded inputs and of their re-evaluation."""
    claimed = payload["fingerprint"]
    diffs = [
        Difference(where, of_inputs, found)
        for where, found in (
            ("fingerprint", claimed),
            ("evaluation.fingerprint", payload["evaluation"].get("fingerprint")),
        )
        if found != of_inputs
    ]
    if payload["evaluation"].get("inputs", payload["inputs"]) != payload["inputs"]:
        diffs.append(Difference("evaluation.inputs", "the embedded inputs", "other inputs"))
    checks = [
        Check(
            "embedded fingerprint",
            not diffs,
            "the fingerprint stored with the data is that of the embedded inputs"
            if not diffs
            else "the embedded inputs give another fingerprint than the one stored with them: the data "
            "was edited after the report was made",
            diffs,
        )
    ]
    if reeval.fingerprint != of_inputs:
        # The inputs are not in canonical form any more (edited by hand): their re-evaluation differs.
        checks.append(
            Check(
                "canonical inputs",
                False,
                "the embedded inputs are not the normalized tree that reportgen writes",
                [Difference("fingerprint of the re-evaluated inputs", reeval.fingerprint, of_inputs)],
            )
        )
    return checks


def evaluation_checks(embedded: dict[str, Any], reeval: Evaluation) -> list[Check]:
    """(b), data side: status, missing items and totals stored in the report = the re-evaluation."""
    checks: list[Check] = []
    diffs = []
    if embedded.get("status") != reeval.status:
        diffs.append(Difference("status", reeval.status, embedded.get("status")))
    for key in ("mandatory_applicable", "mandatory_satisfied"):
        if embedded.get(key) != getattr(reeval, key):
            diffs.append(Difference(key, getattr(reeval, key), embedded.get(key)))
    checks.append(
        Check(
            "status",
            not diffs,
            f"embedded status '{embedded.get('status')}' and completeness counts equal the re-evaluation",
            diffs,
        )
    )

    found = sorted(str(m) for m in embedded.get("missing") or [])
    expected = sorted(reeval.missing)
    diffs = []
    if found != expected:
        diffs = [Difference("missing items", expected, found)]
        extra, lacking = sorted(set(found) - set(expected)), sorted(set(expected) - set(found))
        if extra:
            diffs.append(Difference("listed as missing but supplied or derivable", [], extra))
        if lacking:
            diffs.append(Difference("missing but not listed", lacking, []))
    checks.append(
        Check(
            "missing items",
            not diffs,
            f"the {len(expected)} missing mandatory item(s) listed equal the re-evaluation",
            diffs,
        )
    )

    diffs = []
    totals = embedded.get("totals") or {}
    for name, total in reeval.totals.items():
        got = totals.get(name)
        if not isinstance(got, dict):
            diffs.append(Difference(f"totals.{name}", total.value, None))
            continue
        if not _close(got.get("value"), total.value):
            diffs.append(Difference(f"totals.{name} ({total.unit})", total.value, got.get("value")))
        if bool(got.get("partial")) != total.partial:
            diffs.append(Difference(f"totals.{name}.partial", total.partial, got.get("partial")))
        by_phase = split if isinstance(split := got.get("by_phase"), dict) else {}
        for phase in sorted(set(total.by_phase) | set(by_phase)):
            if not _close(by_phase.get(phase), total.by_phase.get(phase)):
                diffs.append(
                    Difference(
                        f"totals.{name}.by_phase.{phase} ({total.unit})",
                        total.by_phase.get(phase),
                        by_phase.get(phase),
                    )
                )
    for name in sorted(set(totals) - set(reeval.totals)):
        extra = totals[name]
        diffs.append(
            Difference(f"totals.{name}", None, extra.get("value") if isinstance(extra, dict) else extra)
        )
    checks.append(
        Check(
            "totals",
            not diffs,
            f"the embedded totals of the {len(reeval.totals)} indicators "
            "(and their split by phase) equal the re-evaluation",
            diffs,
        )
    )
    checks.append(stored_values_check(embedded, reeval))
    return checks


def stored_values_check(embedded: dict[str, Any], reeval: Evaluation) -> Check:
    """Every number stored in the embedded evaluation's values (what other tools read) = the re-evaluation."""
    stored = values if isinstance(values := embedded.get("values"), dict) else {}
    diffs = []
    numbers = 0
    for fid in sorted(set(stored) | set(reeval.values)):
        fv = reeval.values.get(fid)
        want = fv.value if fv is not None and fv.origin != "withheld" else None
        entry = stored.get(fid)
        got = entry.get("value") if isinstance(entry, dict) else entry
        if not any(isinstance(x, (int, float)) and not isinstance(x, bool) for x in (want, got)):
            continue
        numbers += 1
        if not _close(got, want):
            unit = f" ({fv.unit})" if fv is not None and fv.unit else ""
            diffs.append(Difference(f"values.{fid}{unit}", want, got))
    return Check(
        "stored values",
        not diffs,
        f"the {numbers} numbers stored with each field equal the re-evaluation",
        diffs,
    )


def input_check(input_path: Path, std: Standard, claimed: str) -> Check:
    """(c): the reporter's own file gives the report's fingerprint. A file that names its edition (A1) is
    evaluated under it; one that names none, under the report's (files written before D1.1 had no key)."""
    from reportgen.inputs import read_input

    raw = read_input(input_path)
    if raw.edition_defaulted:
        raw = read_input(input_path, std)
    ev = evaluate_raw(raw, standard=raw.standard)
    ok = ev.fingerprint == claimed
    return Check(
        "input file",
        ok,
        f"{input_path} has the report's fingerprint",
        [] if ok else [Difference(f"fingerprint of {input_path}", claimed, ev.fingerprint)],
    )


def signature_checks(
    report_path: Path,
    signature_path: Path,
    public_key_path: Path,
    report_fingerprint: str,
    doc: dict[str, Any] | None = None,
) -> list[Check]:
    """The verifier's signed statement: this key signed it, about these bytes and this fingerprint."""
    doc = doc if doc is not None else signing.read_signature(signature_path)
    key = signing.load_public_key(public_key_path)
    statement = doc["statement"]
    checks = []
    key_id = signing.public_key_fingerprint(key)
    valid = signing.signature_valid(doc, key)
    detail = (
        f"signed by {statement.get('verifier')} ({statement.get('verification_level')}, "
        f"{statement.get('date')}) with the key {key_id[:19]}…"
    )
    diffs = []
    if not valid:
        if doc.get("public_key_fingerprint") not in (None, key_id):
            diffs.append(Difference("signing key", key_id, doc.get("public_key_fingerprint")))
            detail = (
                f"the signature was not made with the key in {public_key_path}, or the signature file "
                "was edited"
            )
        else:
            diffs.append(Difference("signature", "valid for the statement", "invalid"))
            detail = (
                f"the signature does not match its statement: {signature_path} was edited after "
                "signing, or signed with another key"
            )
    checks.append(Check("signature", valid, detail, diffs))
    actual = signing.sha256_file(report_path)
    ok = statement.get("report_sha256") == actual
    checks.append(
        Check(
            "signed file",
            ok,
            "the report's bytes are those that were signed"
            if ok
            else "the report file changed after it was signed",
            [] if ok else [Difference("report_sha256", statement.get("report_sha256"), actual)],
        )
    )
    ok = statement.get("fingerprint") == report_fingerprint
    checks.append(
        Check(
            "signed fingerprint",
            ok,
            "the signed statement names the report's fingerprint",
            []
            if ok
            else [Difference("statement.fingerprint", report_fingerprint, statement.get("fingerprint"))],
        )
    )
    return checks


# --- entry point ------------------------------------------------------------------------------------


def verify_report(
    report_path: str | Path,
    input_path: str | Path | None = None,
    *,
    signature_path: str | Path | None = None,
    public_key_path: str | Path | None = None,
    baseline_path: str | Path | None = None,
) -> VerifyResult:
    """Verify one report; see the module docstring. Raises InputError when it cannot be verified at all."""
    report_path = Path(report_path)
    if (signature_path is None) != (public_key_path is None):
        raise InputError("a signature is checked with both --signature SIG and --public-key PUB.")
    signed: tuple[Path, Path, dict[str, Any]] | None = None  # signature file, public key, signature
    if signature_path is not None and public_key_path is not None:  # malformed files: exit 2 before work
        signed = (Path(signature_path), Path(public_key_path), signing.read_signature(Path(signature_path)))
        signing.load_public_key(signed[1])
    data = read_report(report_path)
    payload = data.payload
    std = shipped_standard(payload, report_path)
    embedded = payload["evaluation"]
    result = VerifyResult(
        report=str(report_path),
        kind=data.kind,
        fingerprint=payload["fingerprint"],
        standard=f"{std.id} {std.edition}",
        tool_version=embedded.get("tool_version"),
        payload=payload,
    )
    result.checks.append(edition_check(payload, std))
    of_inputs, unencodable = inputs_fingerprint(payload, std)
    if unencodable is not None or of_inputs is None:
        result.checks.append(unencodable or Check("canonical inputs", False, "no fingerprint"))
        return result  # nothing to re-evaluate: inputs that reportgen cannot have written
    reeval = reevaluate(payload, std, report_path, input_path)
    result.checks += fingerprint_checks(payload, of_inputs, reeval)
    result.checks += evaluation_checks(embedded, reeval)
    result.checks += printed_checks(data, std, reeval, of_inputs)
    from reportgen.proof.comparison import comparison_checks  # render --baseline (issue 17)

    result.checks += comparison_checks(payload, reeval, Path(baseline_path) if baseline_path else None)
    if input_path is not None:
        result.checks.append(input_check(Path(input_path), std, payload["fingerprint"]))
    if signed is not None:
        result.checks += signature_checks(report_path, *signed[:2], payload["fingerprint"], signed[2])
    return result
