"""`reportgen verify`, `keygen`, `sign` (issue 6): fresh reports verify; edited data, edited figures, changed
bytes, a wrong key or an edited signature fail with a message naming what differs; unreadable files and
files that are not reportgen reports exit 2 without a traceback."""

from __future__ import annotations

import base64
import io
import json
import os
import shutil
import stat
from pathlib import Path

import pytest
import rfc8785
from cryptography.hazmat.primitives import serialization
from openpyxl import Workbook, load_workbook
from pypdf import PdfReader, PdfWriter

from reportgen.commands.main import main
from reportgen.evaluation.pipeline import evaluate_file
from reportgen.presentation.pdf import write_pdf
from reportgen.presentation.xlsx_about import CHUNK, split_utf16
from reportgen.proof import payload as embed
from reportgen.proof.signing import sha256_file
from reportgen.proof.verify import verify_report
from reportgen.resources import t

ROOT = Path(__file__).resolve().parents[1]
ACME = ROOT / "samples" / "acme-assistant-7b.yaml"
OTHER = ROOT / "samples" / "llama-3.1-405b.yaml"


@pytest.fixture(scope="module")
def ev():
    return evaluate_file(ACME)


@pytest.fixture(scope="module")
def reports(sample_reports, tmp_path_factory):
    """The acme sample rendered once per format (for the session); tests copy these files before editing."""
    r = sample_reports(ACME.name)
    return {"pdf": r.pdf, "xlsx": r.xlsx, "dir": tmp_path_factory.mktemp("reports")}


@pytest.fixture(scope="module")
def keys(tmp_path_factory):
    d = tmp_path_factory.mktemp("keys")
    assert main(["keygen", str(d / "mine")]) == 0
    assert main(["keygen", str(d / "other")]) == 0
    return d


def run(capsys, *argv: str) -> tuple[int, str, str]:
    capsys.readouterr()
    code = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    assert "Traceback" not in out + err
    return code, out, err


def failed(result) -> set[str]:
    return {c.name for c in result.failed()}


def replace_attachment(pdf: Path, out: Path, data: bytes | None) -> Path:
    """Rebuild `pdf` page by page with pypdf, attaching `data` as disclosure.json (or nothing)."""
    writer = PdfWriter()
    writer.append(PdfReader(pdf))
    if data is not None:
        writer.add_attachment(embed.ATTACHMENT_NAME, data)
    buf = io.BytesIO()
    writer.write(buf)
    out.write_bytes(buf.getvalue())
    return out


def edit_about_json(xlsx: Path, out: Path, edit) -> Path:
    """Reassemble the About-sheet JSON, apply `edit(payload)`, write it back in ≤ CHUNK pieces."""
    wb = load_workbook(xlsx)
    for ws in wb.worksheets:
        rows = [r for r in ws.iter_rows(min_col=1, max_col=1) if r[0].value == embed.ATTACHMENT_NAME]
        if rows:
            first = rows[0][0].row + 1
            cells = []
            for r in range(first, ws.max_row + 1):
                if ws.cell(r, 1).value in (None, ""):
                    break
                cells.append(ws.cell(r, 1))
            data = json.loads("".join(c.value for c in cells))
            edit(data)
            for c in cells:
                c.value = None
            for i, part in enumerate(split_utf16(json.dumps(data, sort_keys=True, indent=1), CHUNK)):
                ws.cell(first + i, 1).value = part
            wb.save(out)
            return out
    raise AssertionError("no embedded JSON in the workbook")


def double_training_hours(data: dict) -> None:
    data["inputs"]["training"]["accelerator_hours"]["value"] *= 2


# --- fresh reports --------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", ["pdf", "xlsx"])
def test_fresh_report_verifies(reports, ev, capsys, kind):
    code, out, err = run(capsys, "verify", reports[kind], ACME)
    assert code == 0, out
    assert "Verified: all" in out and ev.fingerprint in out
    for name in (
        "embedded fingerprint",
        "printed fingerprint",
        "printed status",
        "printed totals",
        "printed missing items",
        "totals",
        "input file",
    ):
        assert f"ok    {name}:" in out
    assert err == ""


def test_incomplete_french_reports_verify(sample_reports):
    """Partial totals, a list of missing items and French number formats are re-checked too."""
    other = sample_reports(OTHER.name, "fr")
    assert other.ev.status == "incomplete" and other.ev.missing
    for path in (other.pdf, other.xlsx):
        result = verify_report(path, OTHER)
        assert result.ok, [(c.name, [str(d) for d in c.differences]) for c in result.failed()]


def test_other_input_file_does_not_match(reports, capsys):
    code, out, _ = run(capsys, "verify", reports["pdf"], OTHER)
    assert code == 1
    assert "FAIL  input file" in out and "expected sha256:" in out
    assert "NOT VERIFIED: 1 of" in out


def test_json_output(reports, capsys):
    code, out, _ = run(capsys, "verify", reports["xlsx"], "--format", "json")
    doc = json.loads(out)
    assert code == 0 and doc["verified"] is True and doc["kind"] == "xlsx"
    assert all(c["ok"] for c in doc["checks"])


# --- edited reports -------------------------------------------------------------------------------


def test_pdf_with_edited_embedded_inputs_fails(reports, tmp_path, capsys):
    data = json.loads(PdfReader(reports["pdf"]).attachments[embed.ATTACHMENT_NAME][0])
    double_training_hours(data)
    bad = replace_attachment(reports["pdf"], tmp_path / "edited.pdf", json.dumps(data).encode())
    result = verify_report(bad)
    assert {"embedded fingerprint", "totals", "printed fingerprint", "printed totals"} <= failed(result)
    code, out, _ = run(capsys, "verify", bad)
    assert code == 1
    assert "totals.energy.by_phase.training (kWh): expected 161847.7056, found 80923.8528" in out


def test_xlsx_with_edited_embedded_inputs_fails(reports, tmp_path, capsys):
    bad = edit_about_json(reports["xlsx"], tmp_path / "edited.xlsx", double_training_hours)
    result = verify_report(bad)
    assert {
        "embedded fingerprint",
        "totals",
        "printed fingerprint",
        "printed totals",
        "printed values",
    } <= failed(result)
    code, out, _ = run(capsys, "verify", bad)
    assert code == 1 and "FAIL  embedded fingerprint" in out


def test_pdf_whose_printed_total_differs_from_its_data_fails(ev, reports, tmp_path, capsys):
    """A PDF printed from altered totals, carrying the true data: only the printed figures are wrong."""
    altered = ev.model_copy(deep=True)
    altered.totals["energy"].value *= 1.1
    printed = write_pdf(altered, tmp_path / "printed.pdf")
    true_data = PdfReader(reports["pdf"]).attachments[embed.ATTACHMENT_NAME][0]
    bad = replace_attachment(printed, tmp_path / "bad.pdf", true_data)
    assert failed(verify_report(bad)) == {"printed totals"}
    code, out, _ = run(capsys, "verify", bad)
    assert code == 1
    assert "printed totals row energy: expected Energy consumption 386.7 MWh" in out
    assert '"425.4MWh' in out  # what the page shows, right after the label


def test_xlsx_whose_total_cell_was_edited_fails(reports, tmp_path, capsys):
    wb = load_workbook(reports["xlsx"])
    ws = wb[t("xlsx_sheet_summary", "en")]
    label = "Energy consumption"
    row = next(r for r in ws.iter_rows(min_col=1, max_col=2) if r[0].value == label)
    row[1].value = 400.0
    bad = tmp_path / "cell.xlsx"
    wb.save(bad)
    assert failed(verify_report(bad)) == {"printed totals"}
    code, out, _ = run(capsys, "verify", bad)
    assert code == 1 and "Summary!Energy consumption (MWh): expected 386.74" in out and "found 400" in out


def test_xlsx_status_cell_edited_fails(reports, tmp_path):
    wb = load_workbook(reports["xlsx"])
    ws = wb[t("xlsx_sheet_summary", "en")]
    cell = next(r[1] for r in ws.iter_rows(min_col=1, max_col=2) if r[0].value == t("col_status", "en"))
    cell.value = "Incomplete — 2 mandatory items missing"
    wb.save(tmp_path / "status.xlsx")
    assert failed(verify_report(tmp_path / "status.xlsx")) == {"printed status"}


# --- signatures -----------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def signed(reports, keys):
    """A copy of the PDF signed with `mine`; returns (report, signature file)."""
    d = reports["dir"] / "signed"
    d.mkdir()
    report = Path(shutil.copy(reports["pdf"], d / "acme.pdf"))
    assert (
        main(
            [
                "sign",
                str(report),
                "--key",
                str(keys / "mine" / "PRIVATE.pem"),
                "--verifier",
                "Example Assurance LLP",
            ]
        )
        == 0
    )
    return report, d / "acme.pdf.sig.json"


def test_keygen_writes_a_private_key_only_its_owner_reads(keys, capsys):
    private = keys / "mine" / "PRIVATE.pem"
    assert stat.S_IMODE(os.stat(private).st_mode) == 0o600
    assert private.read_text().startswith("-----BEGIN PRIVATE KEY-----")  # PKCS8, not encrypted
    assert (keys / "mine" / "PUBLIC.pem").read_text().startswith("-----BEGIN PUBLIC KEY-----")
    code, _, err = run(capsys, "keygen", keys / "mine")
    assert code == 2 and "never overwritten" in err


def test_signature_statement_is_signed_over_rfc8785(signed, keys, ev):
    report, sig = signed
    doc = json.loads(sig.read_text())
    st = doc["statement"]
    assert st["fingerprint"] == ev.fingerprint
    assert st["report_sha256"] == sha256_file(report)
    assert (st["standard"], st["edition"], st["verifier"]) == ("AILD", "D1.1", "Example Assurance LLP")
    assert st["verification_level"] == ev.values["verification.level"].value
    public = serialization.load_pem_public_key((keys / "mine" / "PUBLIC.pem").read_bytes())
    public.verify(base64.b64decode(doc["signature"]), rfc8785.dumps(st))  # raises if invalid


def test_signed_report_verifies(signed, keys, capsys):
    report, sig = signed
    code, out, _ = run(
        capsys, "verify", report, "--signature", sig, "--public-key", keys / "mine" / "PUBLIC.pem"
    )
    assert code == 0, out
    for name in ("signature", "signed file", "signed fingerprint"):
        assert f"ok    {name}:" in out


def test_report_bytes_changed_after_signing_fail(signed, keys, tmp_path, capsys):
    report, sig = signed
    changed = tmp_path / "acme.pdf"
    changed.write_bytes(report.read_bytes() + b"\n% one more line\n")
    code, out, _ = run(
        capsys, "verify", changed, "--signature", sig, "--public-key", keys / "mine" / "PUBLIC.pem"
    )
    assert code == 1
    assert "FAIL  signed file: the report file changed after it was signed" in out
    assert "ok    printed totals" in out  # the content still matches its data: only the bytes changed


def test_wrong_key_fails(signed, keys, capsys):
    report, sig = signed
    code, out, _ = run(
        capsys, "verify", report, "--signature", sig, "--public-key", keys / "other" / "PUBLIC.pem"
    )
    assert code == 1
    assert "FAIL  signature: the signature was not made with the key in" in out


def test_tampered_signature_file_fails(signed, keys, tmp_path, capsys):
    report, sig = signed
    doc = json.loads(sig.read_text())
    doc["statement"]["verification_level"] = "reasonable_assurance"
    tampered = tmp_path / "tampered.sig.json"
    tampered.write_text(json.dumps(doc))
    code, out, _ = run(
        capsys, "verify", report, "--signature", tampered, "--public-key", keys / "mine" / "PUBLIC.pem"
    )
    assert code == 1
    assert "FAIL  signature: the signature does not match its statement" in out


@pytest.mark.parametrize("content", ["not json", '{"statement": {}}', '{"statement": {"fingerprint": 1}}'])
def test_malformed_signature_file_exits_2(signed, keys, tmp_path, capsys, content):
    report, _ = signed
    bad = tmp_path / "bad.sig.json"
    bad.write_text(content)
    code, out, err = run(
        capsys, "verify", report, "--signature", bad, "--public-key", keys / "mine" / "PUBLIC.pem"
    )
    assert code == 2 and out == "" and "reportgen:" in err


def test_malformed_public_key_exits_2(signed, tmp_path, capsys):
    report, sig = signed
    (tmp_path / "PUBLIC.pem").write_text("-----BEGIN PUBLIC KEY-----\nnope\n-----END PUBLIC KEY-----\n")
    code, _, err = run(capsys, "verify", report, "--signature", sig, "--public-key", tmp_path / "PUBLIC.pem")
    assert code == 2 and "not a PEM public key" in err


def test_signature_needs_both_options(signed, capsys):
    report, sig = signed
    code, _, err = run(capsys, "verify", report, "--signature", sig)
    assert code == 2 and "--public-key" in err


def test_a_report_that_does_not_verify_is_not_signed(reports, keys, tmp_path, capsys):
    bad = edit_about_json(reports["xlsx"], tmp_path / "edited.xlsx", double_training_hours)
    code, out, err = run(capsys, "sign", bad, "--key", keys / "mine" / "PRIVATE.pem", "--verifier", "X")
    assert code == 1 and "was not signed" in err and "NOT VERIFIED" in out
    assert not (tmp_path / "edited.xlsx.sig.json").exists()


def test_sign_names_the_verifier_the_report_declares(reports, keys, ev, tmp_path, capsys):
    report = Path(shutil.copy(reports["xlsx"], tmp_path / "acme.xlsx"))
    code, out, _ = run(
        capsys, "sign", report, "--key", keys / "mine" / "PRIVATE.pem", "--level", "reasonable_assurance"
    )
    assert code == 0 and "wrote" in out
    statement = json.loads((tmp_path / "acme.xlsx.sig.json").read_text())["statement"]
    assert statement["verifier"] == ev.values["verification.provider"].value
    assert statement["verification_level"] == "reasonable_assurance"


def test_sign_with_a_public_key_exits_2(reports, keys, capsys):
    code, _, err = run(capsys, "sign", reports["pdf"], "--key", keys / "mine" / "PUBLIC.pem")
    assert code == 2 and "not a PEM private key" in err


# --- files that are not reportgen reports ---------------------------------------------------------


def _not_a_pdf(d: Path) -> Path:
    (d / "notes.pdf").write_text("just some text, not a PDF\n")
    return d / "notes.pdf"


def _pdf_without_attachment(d: Path, reports) -> Path:
    return replace_attachment(reports["pdf"], d / "bare.pdf", None)


def _random_workbook(d: Path) -> Path:
    wb = Workbook()
    wb.active.append(["name", "value"])
    wb.active.append(["energy", 12])
    wb.save(d / "random.xlsx")
    return d / "random.xlsx"


def _empty(d: Path) -> Path:
    (d / "empty.pdf").write_bytes(b"")
    return d / "empty.pdf"


def _truncated_pdf(d: Path, reports) -> Path:
    (d / "cut.pdf").write_bytes(reports["pdf"].read_bytes()[:2000])
    return d / "cut.pdf"


def _broken_xref(d: Path, reports) -> Path:
    """The offset of the cross-reference table off by a few bytes: leniently, pypdf rebuilt the table by
    parsing the whole file (seconds of CPU on a damaged report; verify refuses instead)."""
    data = reports["pdf"].read_bytes()
    head, sep, tail = data.rpartition(b"startxref")
    offset = tail.split()[0]
    (d / "xref.pdf").write_bytes(head + sep + tail.replace(offset, str(int(offset) - 7).encode(), 1))
    return d / "xref.pdf"


def _damaged_json(d: Path, reports) -> Path:
    return replace_attachment(reports["pdf"], d / "damaged.pdf", b'{"format": "reportgen-disclosure/1", ')


@pytest.mark.parametrize(
    "make, message",
    [
        (lambda d, r: _not_a_pdf(d), "neither a PDF nor an Excel workbook"),
        (_pdf_without_attachment, "PDF without the disclosure.json attachment"),
        (lambda d, r: _random_workbook(d), "no embedded disclosure found"),
        (lambda d, r: _empty(d), "is empty"),
        (_truncated_pdf, "cannot be read as a PDF"),
        (_broken_xref, "cannot be read as a PDF: its structure is damaged"),
        (_damaged_json, "is not valid JSON"),
        (
            lambda d, r: replace_attachment(r["pdf"], d / "other.pdf", b'{"a": 1}'),
            "not reportgen disclosure data",
        ),
        (lambda d, r: d / "missing.pdf", "report not found"),
        (lambda d, r: d, "is a folder"),
    ],
)
def test_bad_files_exit_2_without_traceback(reports, tmp_path, capsys, make, message):
    code, out, err = run(capsys, "verify", make(tmp_path, reports))
    assert code == 2, out + err
    assert out == "" and err.startswith("reportgen: ") and message in err


def test_damaged_workbook_member_exits_2(reports, tmp_path, capsys):
    import io
    import zipfile

    data = bytearray(reports["xlsx"].read_bytes())
    with zipfile.ZipFile(io.BytesIO(bytes(data))) as z:
        about = max(
            (i for i in z.infolist() if i.filename.startswith("xl/worksheets/")),
            key=lambda i: i.header_offset,
        )
    start = about.header_offset + 30 + len(about.filename) + len(about.extra) + 10
    for i in range(start, start + 40):  # scramble the compressed bytes of the last sheet (About)
        data[i] ^= 0x5A
    bad = tmp_path / "damaged.xlsx"
    bad.write_bytes(bytes(data))
    code, _, err = run(capsys, "verify", str(bad))
    assert code == 2 and "Traceback" not in err and "internal error" not in err
