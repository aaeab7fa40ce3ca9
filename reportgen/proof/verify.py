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
The report is opened by report_file.py, its data checked by data_checks.py, its pages by printed.py;
this module runs them in order, with the checks of an input file and of a signature.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from reportgen.errors import InputError
from reportgen.evaluation.pipeline import evaluate_raw
from reportgen.proof import signing
from reportgen.proof.checks import Check, Difference
from reportgen.proof.data_checks import evaluation_checks, fingerprint_checks, inputs_fingerprint
from reportgen.proof.edition import edition_check
from reportgen.proof.printed import printed_checks
from reportgen.proof.reeval import reevaluate, shipped_standard
from reportgen.proof.report_file import read_report
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
