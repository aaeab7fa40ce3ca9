"""Issue 17, item 3: portfolio consolidation sums exactly, per edition and period, and the CLI's files."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest
from pypdf import PdfReader

from reportgen.commands.main import main
from reportgen.comparison import consolidate
from reportgen.evaluation.pipeline import evaluate_file
from tests.conftest import SAMPLES, pdf_pages

SAMPLE_FILES = sorted(str(p) for p in SAMPLES.glob("*.yaml"))


def cli(capsys, *argv: str) -> tuple[int, str, str]:
    code = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture(scope="module")
def evaluations():
    return [evaluate_file(p) for p in SAMPLE_FILES]


def test_samples_sum_exactly_per_group(evaluations):
    cons = consolidate(evaluations)
    p = cons.portfolio
    assert len(p.systems) == len(SAMPLE_FILES)
    for key, totals in p.consolidated.items():
        members = [s for s, g in zip(p.systems, cons.groups, strict=True) if g == key]
        for name, fig in totals.items():
            values = [s.totals[name].value for s in members if s.totals[name].value is not None]
            assert fig.value == (sum(values) if values else None), (key, name)
            assert fig.partial == any(s.totals[name].partial for s in members), (key, name)
            assert fig.unit == members[0].totals[name].unit
    # each system's total is its own evaluation's, in the display unit
    acme = next(i for i, ev in enumerate(evaluations) if ev.source == "acme-assistant-7b.yaml")
    assert p.systems[acme].totals["ghg_location"].value == pytest.approx(
        evaluations[acme].totals["ghg_location"].value / 1000
    )


def test_editions_and_periods_are_never_summed_together(evaluations):
    cons = consolidate(evaluations)
    for s, key in zip(cons.portfolio.systems, cons.groups, strict=True):
        assert key.split(" ")[0] == s.edition
    editions = {s.edition for s in cons.portfolio.systems}
    assert {k.split(" ")[0] for k in cons.portfolio.consolidated} == editions
    # D1.1 holds systems with and without a reporting period: one group each
    assert "D1.1 2025-07-01/2026-06-30" in cons.portfolio.consolidated
    assert "D1.1 period not stated" in cons.portfolio.consolidated


def test_one_edition_one_period_is_one_group_with_shares(acme_tree):
    from reportgen import evaluate_mapping

    second = copy.deepcopy(acme_tree)
    second["system"]["name"] = "Acme Coder"
    second["inference"]["grid_intensity"]["value"] = 28
    evs = [evaluate_mapping(copy.deepcopy(acme_tree)), evaluate_mapping(second)]
    cons = consolidate(evs)
    assert list(cons.portfolio.consolidated) == ["D1.1"]
    assert cons.share(0, "ghg_location") + cons.share(1, "ghg_location") == pytest.approx(1)
    total = cons.portfolio.consolidated["D1.1"]["ghg_location"]
    assert (
        total.value
        == cons.portfolio.systems[0].totals["ghg_location"].value
        + cons.portfolio.systems[1].totals["ghg_location"].value
        and not total.partial
    )


def test_cli_writes_pdf_workbook_and_json(capsys, tmp_path):
    out = tmp_path / "pf"
    code, _, err = cli(capsys, "portfolio", *SAMPLE_FILES, "-o", out)
    assert code == 1  # some samples are incomplete
    complete = [str(SAMPLES / "acme-assistant-7b.yaml"), str(SAMPLES / "acme-assistant-7b-d1.yaml")]
    assert cli(capsys, "portfolio", *complete, "-o", tmp_path / "complete")[0] == 0
    data = json.loads((out / "portfolio.json").read_text(encoding="utf-8"))
    assert set(data) == {"systems", "consolidated"}
    assert set(data["systems"][0]) == {"name", "version", "fingerprint", "status", "edition", "totals"}
    assert set(data["systems"][0]["totals"]["energy"]) == {"value", "unit", "partial"}
    pdf = PdfReader(out / "portfolio.pdf")
    assert "portfolio.json" in pdf.attachments
    assert json.loads(pdf.attachments["portfolio.json"][0]) == data
    text = "".join(pdf_pages(out / "portfolio.pdf"))
    assert "Consolidated totals" in text and "Acme Assistant" in text
    from openpyxl import load_workbook

    wb = load_workbook(out / "portfolio.xlsx")
    assert wb.sheetnames == ["Systems", "Consolidated", "Per request", "About"]
    assert json.loads(wb["About"]["A2"].value) == data


def test_cli_reports_rendered_in_a_pool(capsys, tmp_path, sample_reports):
    """The two shortest samples (the pool's reports are laid out again here): incomplete, so exit 1."""
    llama, mistral = str(SAMPLES / "llama-3.1-405b.yaml"), str(SAMPLES / "mistral-large-2.yaml")
    code, _, err = cli(capsys, "portfolio", llama, mistral, "-o", tmp_path, "--reports", "--lang", "fr")
    assert code == 1
    names = sorted(p.name for p in tmp_path.iterdir())
    assert names == [
        "Le-Chat-2407-AILD-D1.1.pdf",
        "Le-Chat-2407-AILD-D1.1.xlsx",
        "Llama-3.1-AILD-D1.1.pdf",
        "Llama-3.1-AILD-D1.1.xlsx",
        "portfolio.json",
        "portfolio.pdf",
        "portfolio.xlsx",
    ]
    assert "Totaux consolidés" in "".join(pdf_pages(tmp_path / "portfolio.pdf"))
    for sample in (llama, mistral):  # the reports `render SAMPLE --lang fr` writes, byte for byte
        alone = sample_reports(Path(sample).name, "fr")
        for path in (alone.pdf, alone.xlsx):
            assert (tmp_path / path.name).read_bytes() == path.read_bytes(), path.name


def test_cli_refuses_the_same_disclosure_twice(capsys, tmp_path):
    acme = str(SAMPLES / "acme-assistant-7b.yaml")
    copy_path = tmp_path / "copy.yaml"
    copy_path.write_text((SAMPLES / "acme-assistant-7b.yaml").read_text(encoding="utf-8"), encoding="utf-8")
    code, _, err = cli(capsys, "portfolio", acme, copy_path, "-o", tmp_path / "out")
    assert code == 2 and "counted twice" in err and not (tmp_path / "out").exists()


def test_cli_unreadable_input(capsys, tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("a: [", encoding="utf-8")
    code, _, err = cli(
        capsys, "portfolio", str(SAMPLES / "acme-assistant-7b.yaml"), bad, "-o", tmp_path / "o"
    )
    assert code == 2 and "bad.yaml" in err and "Traceback" not in err
