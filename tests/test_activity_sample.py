"""The metered acme sample (Annex D) through the CLI: check, render, verify; its tables are reproducible."""

from __future__ import annotations

import importlib.util
import json
import re

import pytest
from conftest import SAMPLES

from reportgen.commands.main import main

METERED = SAMPLES / "acme-assistant-7b-metered.yaml"


def pdf_text(path) -> str:
    """The page text, read as verify reads it."""
    from reportgen.proof.pdf_text import open_pdf, page_text

    return page_text(open_pdf(path)[0], path)


def cli(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out = capsys.readouterr()
    return code, out.out, out.err


def test_check_shows_hourly_against_average(capsys):
    code, out, _ = cli(capsys, "check", str(METERED))
    assert code == 0 and "Status: Complete" in out
    part = out.split("Activity data (Annex D)")[1]
    assert "activity/training-energy.parquet, 504 rows, 504 counted" in part
    assert (
        "Inference and operation: hourly-matched 4.89 tCO₂e, with period-average intensities 5.064 tCO₂e (−3.44 %)"
        in part
    )
    code, out, _ = cli(capsys, "check", str(METERED), "--format", "json")
    data = json.loads(out)
    assert data["activity"]["phases"]["inference"]["difference_pct"] == pytest.approx(-3.44, abs=0.01)
    assert data["values"]["training.ghg_location"]["trace"]["clause"] == "8.0"
    assert data["values"]["inference.requests"]["value"] == 298116814  # 92 days of 96 logged
    assert [t["rows"] for t in data["inputs"]["activity"]] == [504, 27, 736, 96, 4416]


def test_report_of_activity_data_verifies_with_its_disclosure(capsys, tmp_path):
    code, _, _ = cli(capsys, "render", str(METERED), "-o", str(tmp_path), "--format", "xlsx")
    assert code == 0
    report = next(tmp_path.glob("*.xlsx"))
    code, out, _ = cli(capsys, "verify", str(report), str(METERED))
    assert code == 0 and "Verified" in out
    code, _, err = cli(capsys, "verify", str(report))
    assert code == 2 and "needs the disclosure and its tables" in err


def test_pdf_and_workbook_show_the_activity_part(capsys, sample_reports):
    """D.6 in both reports: every table with its rows and digest, hourly against period-average GHG per
    phase, the months; both verify with the disclosure (their printed figures included)."""
    import openpyxl

    r = sample_reports(METERED.name)  # `render METERED` through the CLI, once per run
    ev, pdf, xlsx = r.ev, r.pdf, r.xlsx
    assert r.code == 0
    for report in (pdf, xlsx):
        code, out, _ = cli(capsys, "verify", str(report), str(METERED))
        assert code == 0 and "Verified" in out
    text = " ".join(pdf_text(pdf).split())
    part = text.split("Activity data (Annex D)")[1]
    for tb in ev.activity.tables:
        assert tb.sha256[:12] in part
    assert "2025-08-04 06:00 → 2025-08-25 06:00" in part
    assert "4.89 tCO₂e 5.064 tCO₂e −3.44 %" in part  # inference: hourly, average, difference
    assert "GHG of the matched energy by month" in part and "2025-09" in part
    from reportgen.presentation.pdf import render_html  # tagged PDF: header scopes, charts' alternative text

    html = render_html(ev).split('<section id="activity">')[1].split("</section>")[0]
    assert len(re.findall(r"<th[ >]", html)) == html.count('<th scope="col"') == 14
    assert "<title>Inference and operation: GHG of the matched energy by month (UTC)" in html
    assert "2025-09: Hourly-matched 1.595, Period-average intensities 1.65 tCO₂e, 16.6 MWh" in html
    ws = openpyxl.load_workbook(xlsx)["Activity data"]
    rows = [r for r in ws.iter_rows(values_only=True) if any(v is not None for v in r)]
    by_path = {r[2]: r for r in rows if r[0] in ("energy", "accelerator_usage", "requests", "grid_intensity")}
    assert {p: (r[3], r[7]) for p, r in by_path.items()} == {
        t.path: (t.rows, t.sha256) for t in ev.activity.tables
    }
    inference = next(r for r in rows if r[0] == "Inference and operation" and isinstance(r[1], float))
    p = ev.activity.phases["inference"]
    # parallel sums may differ in the last bits between two runs: equal to 1e-12
    close = pytest.approx
    expected = (p.energy_kwh, p.matched_share, p.hourly_ghg, p.average_ghg, p.difference_pct / 100)
    assert inference[1:6] == close(expected, rel=1e-12)
    months = [r for r in rows if isinstance(r[1], str) and r[1][:4] == "2025"]
    assert [r[1] for r in months] == [m.month for m in ev.activity.monthly]
    assert [r[3:5] for r in months] == [
        close((m.ghg_kg, m.average_ghg_kg), rel=1e-12) for m in ev.activity.monthly
    ]


def test_reports_without_activity_tables_have_no_activity_part(sample_reports):
    import openpyxl

    r = sample_reports("acme-assistant-7b.yaml")
    assert r.code == 0
    assert "Activity data" not in openpyxl.load_workbook(r.xlsx).sheetnames
    assert "Activity data" not in pdf_text(r.pdf)


def _metered_copy(tmp_path):
    """The metered sample and its tables copied into tmp_path (activity/ beside the disclosure)."""
    import shutil

    shutil.copy(METERED, tmp_path / METERED.name)
    shutil.copytree(SAMPLES / "activity", tmp_path / "activity")
    return tmp_path / METERED.name


def _fingerprint(capsys, path) -> tuple[str, str, list]:
    code, out, _ = cli(capsys, "check", str(path), "--format", "json")
    data = json.loads(out)
    return data["fingerprint"], data["status"], data["inputs"].get("activity")


def test_template_from_keeps_the_tables_on_the_activity_sheet(capsys, tmp_path):
    """D.1: the workbook lists the tables on its `activity` sheet, paths rewritten to name the same files
    from where the workbook is written; it evaluates to the same fingerprint, and so does its own copy."""
    import openpyxl

    src = _metered_copy(tmp_path)
    expected = _fingerprint(capsys, src)
    assert expected[1] == "complete" and len(expected[2]) == 5
    (tmp_path / "out").mkdir()
    book = tmp_path / "out" / "metered.xlsx"
    assert cli(capsys, "template", "--from", str(src), "-o", str(book))[0] == 0
    rows = list(openpyxl.load_workbook(book)["activity"].iter_rows(values_only=True))
    assert rows[0] == ("table", "path", "phase", "basis", "sha256", "description")
    assert [r[:3] for r in rows[1:3]] == [
        ("energy", "../activity/training-energy.parquet", "training"),
        ("accelerator_usage", "../activity/training-jobs.csv", None),
    ]
    assert _fingerprint(capsys, book) == expected
    again = tmp_path / "again.xlsx"  # a workbook prefilled from the workbook: the sheet is kept again
    assert cli(capsys, "template", "--from", str(book), "-o", str(again))[0] == 0
    assert openpyxl.load_workbook(again)["activity"]["B2"].value == "activity/training-energy.parquet"
    assert _fingerprint(capsys, again) == expected


def test_migrate_keeps_the_activity_declarations(capsys, tmp_path):
    """A D1 disclosure whose `activity` D1 does not know (E-FIELD) migrated to D1.1 beside itself reads
    its tables; a workbook migrated into another folder keeps them with rewritten paths."""
    src = _metered_copy(tmp_path)
    expected = _fingerprint(capsys, src)
    d1 = tmp_path / "metered-d1.yaml"
    d1.write_text(
        src.read_text(encoding="utf-8").replace("standard: AILD D1.1", "standard: AILD D1"), "utf-8"
    )
    code, out, _ = cli(capsys, "migrate", str(d1), "--to", "D1.1", "-o", str(tmp_path / "d11.yaml"))
    assert code == 0 and "E-FIELD" in out.split("no longer raises")[1]
    assert "activity:" in (tmp_path / "d11.yaml").read_text(encoding="utf-8")
    assert _fingerprint(capsys, tmp_path / "d11.yaml") == expected
    book = tmp_path / "metered.xlsx"
    assert cli(capsys, "template", "--from", str(src), "-o", str(book))[0] == 0
    (tmp_path / "moved").mkdir()
    moved = tmp_path / "moved" / "metered.xlsx"
    assert cli(capsys, "migrate", str(book), "--to", "D1.1", "-o", str(moved))[0] == 0
    assert _fingerprint(capsys, moved) == expected


def test_tables_are_made_again_byte_for_byte(tmp_path):
    spec = importlib.util.spec_from_file_location("make_tables", SAMPLES / "activity" / "make_tables.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    module.main(tmp_path)
    for made in tmp_path.glob("*.csv"):
        assert made.read_bytes() == (SAMPLES / "activity" / made.name).read_bytes(), made.name
