"""Issue 10, the proof side: each defect found by attacking `verify`, `sign` and the embedded data, with
its regression test through the CLI (exit 0 verified, 1 mismatch, 2 unreadable; never 3)."""

from __future__ import annotations

import io
import json
import os
import re
import shutil
from pathlib import Path

import pytest
from pypdf import PdfReader, PdfWriter
from pypdf.generic import ArrayObject, DecodedStreamObject, DictionaryObject, NameObject, TextStringObject

from reportgen.commands.main import main
from reportgen.errors import StandardError
from reportgen.proof import payload as embed
from reportgen.proof.edition import edition_digest
from reportgen.standard import load_from_directory, load_standard
from reportgen.standard.editions import editions_root
from tests.conftest import shorter_text

ROOT = Path(__file__).resolve().parents[1]
ACME = ROOT / "samples" / "acme-assistant-7b.yaml"
GOLDEN = ROOT / "tests" / "golden" / "v0.1.0" / "Acme-Assistant-2.1-AILD-D1.pdf"


def run(capsys, *argv: object) -> tuple[int, str, str]:
    capsys.readouterr()
    code = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    assert "Traceback" not in out + err and "internal error" not in err, err
    return code, out, err


@pytest.fixture(scope="module")
def report(sample_reports) -> Path:
    """The acme sample rendered once through the CLI (for the session); tests copy or rebuild it before editing."""
    return sample_reports(ACME.name).pdf


@pytest.fixture(scope="module")
def report_blob(report) -> bytes:
    """The disclosure.json of `report`, read once: the hostile cases each rebuild the PDF around an edit."""
    return PdfReader(report).attachments[embed.ATTACHMENT_NAME][0]


@pytest.fixture(scope="module")
def keys(tmp_path_factory) -> Path:
    d = tmp_path_factory.mktemp("keys")
    assert main(["keygen", str(d / "mine")]) == 0
    assert main(["keygen", str(d / "other")]) == 0
    return d


def embedded(pdf: Path) -> dict:
    return json.loads(PdfReader(pdf).attachments[embed.ATTACHMENT_NAME][0])


def with_payload(pdf: Path, out: Path, data: bytes) -> Path:
    """The same pages, with `data` as the only disclosure.json."""
    writer = PdfWriter()
    writer.append(PdfReader(pdf))
    writer.add_attachment(embed.ATTACHMENT_NAME, data)
    buf = io.BytesIO()
    writer.write(buf)
    out.write_bytes(buf.getvalue())
    return out


def edited(pdf: Path, out: Path, edit) -> Path:
    data = embedded(pdf)
    edit(data)
    return with_payload(pdf, out, json.dumps(data).encode())


# --- defect 1: the edition is looked up, never joined into a path -----------------------------------


def test_an_edition_that_walks_out_of_the_standard_folder_is_refused(report, tmp_path, capsys, keys):
    planted = tmp_path / "planted"
    shutil.copytree(editions_root() / "aild-d1", planted)
    calc = planted / "calculations.yaml"
    calc.write_text(calc.read_text().replace("8760", "87600"))  # altered constants of a forged edition
    traversal = "D1/" + os.path.relpath(planted, editions_root() / "aild-d1")
    assert load_from_directory(planted).edition == "D1"  # what the old lookup loaded, altered
    forged = edited(report, tmp_path / "forged.pdf", lambda d: d.__setitem__("edition", traversal))

    code, out, err = run(capsys, "verify", forged, ACME)
    assert code == 2 and out == ""
    assert "known editions: AILD D1, AILD D1.1." in err and str(planted) not in err
    code, out, err = run(capsys, "sign", forged, "--key", keys / "mine" / "PRIVATE.pem", "--verifier", "X")
    assert code == 2 and not (tmp_path / "forged.pdf.sig.json").exists()


@pytest.mark.parametrize(
    "standard, edition",
    [("AILD", "d1"), ("aild", "D1"), ("AILD", "D1 "), ("AILD", "../aild-d1"), ("AILD", "")],
)
def test_only_the_exact_name_of_a_shipped_edition_is_found(standard, edition):
    with pytest.raises(StandardError, match="known editions: AILD D1, AILD D1.1"):
        load_standard(edition, standard)


def test_the_payload_names_the_digest_of_the_edition_and_verify_checks_it(report, tmp_path, capsys):
    data = embedded(report)
    name = f"{data['standard']} {data['edition']}"
    shipped = edition_digest(load_standard(data["edition"], data["standard"]).directory)
    assert re.fullmatch(r"sha256:[0-9a-f]{64}", shipped) and data["edition_digest"] == shipped
    code, out, _ = run(capsys, "verify", report)
    assert code == 0 and f"ok    edition: the report was evaluated with the {name} that this" in out

    other = "sha256:" + "0" * 64
    bad = edited(report, tmp_path / "digest.pdf", lambda d: d.__setitem__("edition_digest", other))
    code, out, _ = run(capsys, "verify", bad)
    assert code == 1 and f"FAIL  edition: the report was evaluated with another encoding of {name} " in out
    assert f"edition_digest: expected {shipped}, found {other}" in out
    assert "NOT VERIFIED: 1 of" in out  # the data and the pages still match: only the edition differs


def test_a_report_made_before_edition_digests_still_verifies(capsys):
    assert "edition_digest" not in embedded(GOLDEN)
    code, out, _ = run(capsys, "verify", GOLDEN)
    assert code == 0 and "ok    edition: re-evaluated with the AILD D1 that this reportgen ships" in out


# --- defect 2: every report reportgen writes reads back, whatever Unicode it holds ------------------


def test_a_report_with_emoji_bullets_private_use_and_control_characters_verifies(tmp_path, capsys, keys):
    odd = "Acme AI SAS \U0001f331 \uf0b7 \ue000 bell\x07"
    text = shorter_text(ACME)
    text = text.replace("name: Acme AI SAS", f"name: {json.dumps(odd, ensure_ascii=False)}", 1)
    text = text.replace("cut_off_rule: Items", r'cut_off_rule: "\uF0B7 \U0001F4A1\uE123\x01 Items', 1)
    text = text.replace("none was.", 'none was."', 1)
    src = tmp_path / "unicode.yaml"
    src.write_text(text, encoding="utf-8")
    code, _, err = run(capsys, "render", src, "-o", tmp_path / "out", "--format", "pdf")
    assert code == 0, err
    pdf = next((tmp_path / "out").glob("*.pdf"))
    assert embedded(pdf)["inputs"]["organization"]["name"] == odd
    code, out, _ = run(capsys, "verify", pdf, src)
    assert code == 0, out
    assert "ok    printed totals" in out and "ok    printed values" in out
    code, _, err = run(capsys, "sign", pdf, "--key", keys / "mine" / "PRIVATE.pem", "--verifier", "X")
    assert code == 0, err


def test_bidi_override_characters_are_printed_as_code_points(tmp_path, capsys):
    """U+202E would make the page show "SAS IA emcA" while the text read back (and verified) is in order."""
    text = shorter_text(ACME).replace("name: Acme AI SAS", 'name: "Acme \u202eAI SAS\u202c"', 1)
    src = tmp_path / "bidi.yaml"
    src.write_text(text, encoding="utf-8")
    code, _, err = run(capsys, "render", src, "-o", tmp_path / "out", "--format", "pdf")
    assert code == 0 and "U+202E" in err, err
    pdf = next((tmp_path / "out").glob("*.pdf"))
    page_one = PdfReader(pdf).pages[0].extract_text()
    assert "\u202e" not in page_one and "U+202E" in page_one
    code, out, _ = run(capsys, "verify", pdf, src)
    assert code == 0, out


def test_a_report_of_a_disclosure_with_unknown_and_repeated_keys_verifies(tmp_path, capsys):
    """Keys that are not inputs (a misspelt field, a key given twice) make the disclosure incomplete; the
    report carries them, so that its re-evaluation finds the same errors."""
    text = shorter_text(ACME).replace("  cut_off_rule:", "  cut_of_rule:", 1)
    text += "\ntraining.pue: 1.12\nsystem.colour: blue\n"  # given twice (dotted), and an unknown key
    src = tmp_path / "typos.yaml"
    src.write_text(text, encoding="utf-8")
    code, out, _ = run(capsys, "check", src)
    assert code == 1 and "errors to correct" in out
    assert run(capsys, "render", src, "-o", tmp_path / "out")[0] == 1
    for report in sorted((tmp_path / "out").iterdir()):
        code, out, _ = run(capsys, "verify", report, src)
        assert code == 0, out
    assert embedded(next((tmp_path / "out").glob("*.pdf")))["unread"] == {
        "unknown": ["boundary.cut_of_rule", "system.colour"],
        "duplicates": ["training.pue"],
    }


def test_verify_never_opens_the_activity_tables_a_report_names(report, tmp_path, capsys, monkeypatch):
    """A report is untrusted: the paths it names are files of whoever verifies it."""
    import reportgen.activity.engine as engine

    def refuse(*args, **kwargs):
        raise AssertionError("verify opened a file named by the report")

    monkeypatch.setattr(engine, "_read_all", refuse)
    table = tmp_path / "energy.csv"
    table.write_text("start,end,energy_kwh\n2025-03-01T00:00:00Z,2025-03-01T01:00:00Z,1\n")
    bad = edited(
        report,
        tmp_path / "activity.pdf",
        lambda d: d["inputs"].__setitem__(
            "activity", [{"table": "energy", "path": str(table), "phase": "training"}]
        ),
    )
    code, out, err = run(capsys, "verify", bad)
    assert code == 2 and out == "" and "derives figures from activity tables (Annex D)" in err


# --- defect 4: every printed figure, not only the totals --------------------------------------------


def edit_page_text(pdf: Path, out: Path, old: str, new: str) -> Path:
    """Replace the first drawing of `old` by `new` in the page content streams (same font, its glyph codes),
    as an editor of the PDF would; the attachment is kept as it is."""
    reader = PdfReader(pdf)
    writer = PdfWriter(clone_from=reader)
    for page in writer.pages:
        for font in page["/Resources"]["/Font"].values():
            cmap = font.get_object()["/ToUnicode"].get_object().get_data().decode("latin-1")
            code = {chr(int(u, 16)): c for c, u in re.findall(r"<([0-9a-f]{4})>\s*<([0-9a-f]{4})>", cmap)}
            if not all(ch in code for ch in old + new):
                continue
            content = page.get_contents()
            data = content.get_data()
            pattern = rb"-?[\d.]*".join(b"<" + code[ch].encode() + b">" for ch in old)
            match = re.search(pattern, data)
            if match:
                glyphs = b"0".join(b"<" + code[ch].encode() + b">" for ch in new)
                content.set_data(data[: match.start()] + glyphs + data[match.end() :])
                page.replace_contents(content)
                buf = io.BytesIO()
                writer.write(buf)
                out.write_bytes(buf.getvalue())
                return out
    raise AssertionError(f"{old!r} is not drawn in {pdf}")


def test_an_edited_figure_in_a_phase_table_is_caught(report, tmp_path, capsys):
    bad = edit_page_text(report, tmp_path / "figure.pdf", "129,024", "120,024")
    code, out, _ = run(capsys, "verify", bad, ACME)
    assert code == 1
    assert "FAIL  printed values" in out
    assert 'printed value training.accelerator_hours: expected 129,024 h, found "120,024h' in out
    failed = re.findall(r"FAIL  ([a-z ]+):", out)
    assert failed == ["printed values"], out  # the data is intact: only what the reader sees changed


def test_every_printed_field_figure_is_checked(report, capsys):
    """The check covers the per-field figures of every section, traces and functional units included."""
    code, out, _ = run(capsys, "verify", report, "--format", "json")
    checks = {c["name"]: c for c in json.loads(out)["checks"]}
    assert code == 0 and checks["printed values"]["ok"]
    from reportgen.evaluation.pipeline import evaluate_file
    from reportgen.presentation.view import build_view
    from reportgen.proof.printed import _figures

    ev = evaluate_file(ACME)
    figures = {what for what, *_ in _figures(build_view(ev), ev)}
    numeric = {
        fid
        for fid, v in ev.values.items()
        if isinstance(v.value, (int, float)) and not isinstance(v.value, bool) and v.origin != "withheld"
    }
    assert {f"printed value {fid}" for fid in numeric} <= figures
    assert any(w.startswith("printed calculation of") for w in figures)
    assert any(w.startswith("printed functional units") for w in figures)


# --- defect 9: damaged or hostile embedded data is a message, never exit 3 ---------------------------


def _set(path: str, value):
    def edit(d):
        *parents, leaf = path.split("/")
        for p in parents:
            d = d[p]
        d[leaf] = value

    return edit


HUGE = 10**400  # beyond float range, fewer than 4,300 digits


@pytest.mark.parametrize(
    "name, make, code, message",
    [
        (
            "deep attachment",
            lambda b: ('{"a":' + "[" * 100_000 + "]" * 100_000 + "}").encode(),
            2,
            "nested too deeply",
        ),
        ("deep value", lambda b: _json(b, _set("inputs/system/name", _nest(400))), 2, "more than 300 levels"),
        (
            "5,000 digits",
            lambda b: _literal(b, "inputs/training/accelerator_count", "1" + "0" * 5000),
            2,
            "number that cannot be read",
        ),
        (
            "huge input",
            lambda b: _json(b, _set("inputs/training/accelerator_count", HUGE)),
            1,
            "FAIL  canonical inputs",
        ),
        (
            "float overflow",
            lambda b: _literal(b, "inputs/training/accelerator_count", "1e400"),
            1,
            "FAIL  canonical inputs",
        ),
        (
            "evaluation inputs",
            lambda b: _literal(b, "evaluation/inputs/training/accelerator_count", "1e400"),
            1,
            "evaluation.inputs: expected the embedded inputs",
        ),
        (
            "stored value",
            lambda b: _json(b, _set("evaluation/values/training.energy/value", 1.0)),
            1,
            "values.training.energy (kWh): expected 80923.8528, found 1",
        ),
        (
            "huge total",
            lambda b: _json(b, _set("evaluation/totals/energy/value", HUGE)),
            1,
            "totals.energy (kWh): expected 386741.7408, found an integer of 401 digits",
        ),
        ("odd totals", lambda b: _json(b, _set("evaluation/totals/extra", [1, 2])), 1, "totals.extra"),
        (
            "rejected collides",
            lambda b: _json(b, _set("rejected", {"training.accelerator_count": "x"})),
            2,
            "collides with an input of the same field",
        ),
        (
            "rejected under an input",
            lambda b: _json(b, _set("rejected", {"training.pue.value.x": 1})),
            2,
            "is not a field of AILD D1.1",
        ),
        (
            "rejected group",
            lambda b: _json(b, _set("rejected", {"training": 5})),
            2,
            "is not a field of AILD D1.1",
        ),
    ],
)
def test_hostile_embedded_data_is_exit_1_or_2(
    report, report_blob, tmp_path, capsys, name, make, code, message
):
    bad = with_payload(report, tmp_path / "bad.pdf", make(report_blob))
    got, out, err = run(capsys, "verify", bad)
    assert got == code, out + err
    assert message in out + err


def _json(blob: bytes, edit) -> bytes:
    data = json.loads(blob)
    edit(data)
    return json.dumps(data).encode()


def _literal(blob: bytes, path: str, literal: str) -> bytes:
    """The payload with the JSON number `literal` written as is at `path` (json.dumps could not)."""
    return _json(blob, _set(path, "@@here@@")).replace(b'"@@here@@"', literal.encode())


def _nest(depth: int):
    value: object = "x"
    for _ in range(depth):
        value = [value]
    return value


@pytest.fixture(scope="module")
def signature(report, keys, tmp_path_factory) -> tuple[Path, Path]:
    d = tmp_path_factory.mktemp("signed")
    pdf = Path(shutil.copy(report, d / "acme.pdf"))
    assert main(["sign", str(pdf), "--key", str(keys / "mine" / "PRIVATE.pem"), "--verifier", "V"]) == 0
    return pdf, d / "acme.pdf.sig.json"


@pytest.mark.parametrize(
    "edit, message",
    [
        (lambda doc: doc["statement"].__setitem__("verifier", _nest(100_000)), "not a JSON signature file"),
        (lambda doc: doc["statement"].__setitem__("verifier", _nest(50)), "levels deep"),
        (lambda doc: doc.__setitem__("algorithm", "RSA"), "'algorithm' is 'RSA'"),
        (lambda doc: doc.pop("algorithm"), "'algorithm' is 'None'"),
        (
            lambda doc: doc.__setitem__("format", "reportgen-signature/9"),
            "'format' is 'reportgen-signature/9'",
        ),
        (lambda doc: doc["statement"].__setitem__("date", 20260915), "date should be text"),
    ],
)
def test_a_hostile_signature_file_is_exit_2(signature, keys, tmp_path, capsys, edit, message):
    pdf, sig = signature
    doc = json.loads(sig.read_text())
    try:
        edit(doc)
        text = json.dumps(doc)
    except RecursionError:  # json.dumps cannot write 100,000 levels: write them by hand
        text = sig.read_text().replace('"verifier": "V"', '"verifier": ' + "[" * 100_000 + "]" * 100_000)
    bad = tmp_path / "bad.sig.json"
    bad.write_text(text)
    code, out, err = run(
        capsys, "verify", pdf, "--signature", bad, "--public-key", keys / "mine" / "PUBLIC.pem"
    )
    assert code == 2 and out == "" and message in err, err


# --- defect 10: sign never overwrites a key, and another file only with --force ----------------------


def test_sign_refuses_to_overwrite_without_force(report, keys, tmp_path, capsys):
    key = keys / "mine" / "PRIVATE.pem"
    target = tmp_path / "notes.txt"
    target.write_text("my notes\n")
    code, _, err = run(capsys, "sign", report, "--key", key, "--verifier", "V", "-o", target)
    assert code == 2 and "already exists; give --force" in err and target.read_text() == "my notes\n"
    code, _, err = run(capsys, "sign", report, "--key", key, "--verifier", "V", "-o", target, "--force")
    assert code == 0 and json.loads(target.read_text())["algorithm"] == "Ed25519"


@pytest.mark.parametrize("victim", ["other/PRIVATE.pem", "other/PUBLIC.pem", "renamed"])
def test_sign_never_overwrites_a_key_even_with_force(report, keys, tmp_path, capsys, victim):
    if victim == "renamed":  # a key under another name is still a key
        target = Path(shutil.copy(keys / "other" / "PRIVATE.pem", tmp_path / "backup.txt"))
    else:
        target = keys / victim
    before = target.read_bytes()
    code, _, err = run(
        capsys,
        "sign",
        report,
        "--key",
        keys / "mine" / "PRIVATE.pem",
        "--verifier",
        "V",
        "-o",
        target,
        "--force",
    )
    assert code == 2 and "is a key file" in err and target.read_bytes() == before


def test_sign_refuses_to_replace_an_existing_signature_without_force(signature, keys, capsys):
    pdf, sig = signature
    before = sig.read_bytes()
    code, _, err = run(capsys, "sign", pdf, "--key", keys / "other" / "PRIVATE.pem", "--verifier", "Y")
    assert code == 2 and "already exists" in err and sig.read_bytes() == before


# --- defect 12: one disclosure.json per report ------------------------------------------------------


def test_a_pdf_with_two_different_disclosures_is_refused(report, tmp_path, capsys):
    other = embedded(report)
    other["evaluation"]["status"] = "incomplete"
    writer = PdfWriter(clone_from=PdfReader(report))
    writer.add_attachment(embed.ATTACHMENT_NAME, json.dumps(other).encode())
    buf = io.BytesIO()
    writer.write(buf)
    (tmp_path / "two.pdf").write_bytes(buf.getvalue())
    code, out, err = run(capsys, "verify", tmp_path / "two.pdf")
    assert code == 2 and out == "" and "carries 2 different disclosure.json attachments" in err


def test_a_second_disclosure_hidden_in_the_associated_files_is_refused(report, tmp_path, capsys):
    """PDF/A associated files (/AF) are listed by viewers even when the name tree does not list them."""
    writer = PdfWriter(clone_from=PdfReader(report))
    stream = DecodedStreamObject()
    stream.set_data(b'{"format": "reportgen-disclosure/1"}')
    spec = DictionaryObject(
        {
            NameObject("/Type"): NameObject("/Filespec"),
            NameObject("/F"): TextStringObject(embed.ATTACHMENT_NAME),
            NameObject("/UF"): TextStringObject(embed.ATTACHMENT_NAME),
            NameObject("/EF"): DictionaryObject({NameObject("/F"): writer._add_object(stream)}),
        }
    )
    af = writer._root_object.get("/AF") or ArrayObject()
    af.append(writer._add_object(spec))
    writer._root_object[NameObject("/AF")] = af
    buf = io.BytesIO()
    writer.write(buf)
    (tmp_path / "af.pdf").write_bytes(buf.getvalue())
    code, _, err = run(capsys, "verify", tmp_path / "af.pdf")
    assert code == 2 and "2 different disclosure.json attachments" in err


def test_a_pdf_with_thousands_of_pages_is_not_read_further(report, tmp_path, capsys):
    """verify extracts the text of every page; a hostile file of 5,000 blank pages is refused at once."""
    w = PdfWriter(clone_from=report)
    for _ in range(5000):
        w.add_blank_page(width=200, height=200)
    out = tmp_path / "long.pdf"
    with open(out, "wb") as f:
        w.write(f)
    rc, _, err = run(capsys, "verify", out)
    assert rc == 2 and "long.pdf has 5,0" in err and "pages" in err


def test_a_pdf_beyond_the_size_of_any_report_is_not_read(tmp_path, capsys):
    big = tmp_path / "big.pdf"
    with open(big, "wb") as f:
        f.write(b"%PDF-1.7\n")
        f.truncate(21 * 1024 * 1024)
    rc, _, err = run(capsys, "verify", big)
    assert rc == 2 and "big.pdf is 21" in err and "limited to" in err


def test_a_page_with_more_drawing_than_any_report_is_not_read(report, tmp_path, capsys):
    """pypdf's text extraction slows down more than linearly on one huge page (9 MB: over 2 minutes)."""
    from pypdf.generic import DecodedStreamObject

    w = PdfWriter(clone_from=report)
    stream = DecodedStreamObject()
    stream.set_data(b"BT /F1 9 Tf 10 10 Td (0.1 MWh) Tj ET\n" * 8000)  # 300 KB
    w.pages[-1][NameObject("/Contents")] = w._add_object(stream)
    out = tmp_path / "heavy.pdf"
    with open(out, "wb") as f:
        w.write(f)
    rc, _, err = run(capsys, "verify", out)
    assert rc == 2 and "heavy.pdf: page" in err and "MB of drawing instructions" in err
