"""The metered acme sample (Annex D) through the CLI: check, render, verify; its tables are reproducible."""

from __future__ import annotations

import importlib.util
import json

import pytest
from conftest import SAMPLES

from reportgen.commands.main import main

METERED = SAMPLES / "acme-assistant-7b-metered.yaml"


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


def test_tables_are_made_again_byte_for_byte(tmp_path):
    spec = importlib.util.spec_from_file_location("make_tables", SAMPLES / "activity" / "make_tables.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    module.main(tmp_path)
    for made in tmp_path.glob("*.csv"):
        assert made.read_bytes() == (SAMPLES / "activity" / made.name).read_bytes(), made.name
