"""Opening a report for `verify`: which format it is (by its content, never its name), its embedded data,
and whether that data has the shape reportgen writes.

Apart from verify.py because this is the untrusted boundary: everything here reads a file someone sent,
and anything that is not a reportgen report ends as InputError (exit 2) before a check is made.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from reportgen.errors import InputError
from reportgen.proof import payload as embed
from reportgen.proof import pdf_text
from reportgen.proof.checks import ReportData


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
