"""`reportgen migrate` and `reportgen standard --edition / diff`: editions side by side from the CLI."""

from __future__ import annotations

import json
import shutil

import yaml
from conftest import SAMPLES

from reportgen import evaluate_file
from reportgen.commands.main import main

D1_ACME = SAMPLES / "acme-assistant-7b-d1.yaml"


def cli(capsys, *argv):
    code = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, err


def test_migrate_yaml_keeps_comments_and_values_and_says_what_changes(tmp_path, capsys):
    out = tmp_path / "acme-d11.yaml"
    code, text, _ = cli(capsys, "migrate", D1_ACME, "--to", "D1.1", "-o", out)
    assert code == 0
    src, dst = D1_ACME.read_text(encoding="utf-8"), out.read_text(encoding="utf-8")
    assert dst == src.replace("\nstandard: AILD D1\n", "\nstandard: AILD D1.1\n")  # only the key changed
    assert "comments and values kept" in text
    row = next(line for line in text.splitlines() if "market-based" in line)
    assert row.split()[-4:] == ["14.45", "tCO₂e", "85.03", "tCO₂e"]  # before, after
    before, after = evaluate_file(D1_ACME), evaluate_file(out)
    assert after.standard.edition == "D1.1" and after.inputs == before.inputs


def test_migrate_inserts_the_key_after_the_opening_comments(tmp_path, capsys):
    src = tmp_path / "keyless.yaml"
    src.write_text(
        "# my disclosure\n# second line\n\norganization:\n  name: X  # legal name\n", encoding="utf-8"
    )
    out = tmp_path / "out.yaml"
    code, text, _ = cli(capsys, "migrate", src, "--to", "d1", "-o", out)
    assert code == 0
    assert out.read_text(encoding="utf-8") == (
        "# my disclosure\n# second line\n\nstandard: AILD D1\n\norganization:\n  name: X  # legal name\n"
    )
    assert "I-ED-1" in text  # the keyless input had it; the migrated file does not
    assert src.read_text(encoding="utf-8").startswith("# my disclosure\n# second line\n\norganization")


def test_migrate_down_to_d1_lists_the_new_errors_and_writes_json(tmp_path, capsys):
    out = tmp_path / "mistral.json"
    code, text, _ = cli(capsys, "migrate", SAMPLES / "mistral-large-2.yaml", "--to", "D1", "-o", out)
    assert code == 1  # written, but D1 does not know the published figures
    assert "E-FIELD    'aggregate.ghg_location' is not a field of AILD D1" in text
    data = json.loads(out.read_text(encoding="utf-8"))
    assert list(data)[0] == "standard" and data["standard"] == "AILD D1"


def test_migrate_never_writes_over_its_input_and_refuses_unknown_editions(tmp_path, capsys):
    src = tmp_path / "a.yaml"
    shutil.copy(D1_ACME, src)
    code, _, err = cli(capsys, "migrate", src, "--to", "D1.1", "-o", src)
    assert code == 2 and "refusing to overwrite the input file" in err
    code, _, err = cli(capsys, "migrate", src, "--to", "D7", "-o", tmp_path / "b.yaml")
    assert code == 2 and "AILD D1, AILD D1.1" in err and not (tmp_path / "b.yaml").exists()


def test_migrate_a_workbook(tmp_path, capsys):
    out = tmp_path / "d1.xlsx"
    code, text, _ = cli(capsys, "migrate", SAMPLES / "acme-assistant-7b.xlsx", "--to", "D1", "-o", out)
    assert code == 0
    ev = evaluate_file(out)
    assert ev.standard.edition == "D1" and ev.fingerprint == evaluate_file(D1_ACME).fingerprint


def test_standard_command_per_edition(capsys):
    code, out, _ = cli(capsys, "standard", "--edition", "D1", "training.grid_intensity_source")
    assert code == 0 and "derivable" not in out
    code, out, _ = cli(capsys, "standard", "training.grid_intensity_source")  # the latest edition
    assert code == 0 and "derivable by clause 9.1" in out
    code, out, _ = cli(capsys, "standard", "--edition", "D1.1", "aggregate")
    assert code == 0 and "aggregate.ghg_location" in out and "AILD D1.1" in out
    code, _, err = cli(capsys, "standard", "--edition", "D1", "aggregate")
    assert code == 2 and "AILD D1" in err


def test_standard_diff_text_and_json(capsys):
    code, out, _ = cli(capsys, "standard", "diff", "D1", "D1.1")
    assert code == 0 and "AILD D1.1 amends AILD D1" in out
    assert "Fields added (10)" in out and "training.grid_intensity_source: derivable by — → 9.1" in out
    assert (
        "A2   8.5      amended   Totals over one boundary" in out
        and "market total: own_fields → same_boundary" in out
    )
    code, out, _ = cli(capsys, "standard", "diff", "D1", "D1.1", "--format", "json")
    d = json.loads(out)
    assert [f["id"] for f in d["fields_added"]][:2] == ["aggregate.scope", "aggregate.energy"]
    assert {c["code"] for c in d["codes_added"]} >= {"I-ED-1", "W-CALC-2"}
    assert [c["id"] for c in d["fields_changed"]] == [
        "training.grid_intensity_source",
        "inference.grid_intensity_source",
    ]
    code, out, _ = cli(capsys, "standard", "diff", "D1.1", "D1", "--format", "json")
    assert len(json.loads(out)["fields_removed"]) == 10 and not json.loads(out)["amends"]
    code, _, err = cli(capsys, "standard", "diff", "D1")
    assert code == 2 and "two editions" in err


def test_template_is_for_the_latest_edition_unless_told(tmp_path, capsys):
    from openpyxl import load_workbook

    for args, edition in (((), "D1.1"), (("--edition", "D1"), "D1")):
        out = tmp_path / f"t{edition}.xlsx"
        assert cli(capsys, "template", "-o", out, *args)[0] == 0
        ws = load_workbook(out)["Identification"]
        assert next(r[3].value for r in ws.iter_rows() if r[0].value == "standard") == f"AILD {edition}"
        assert (
            "aggregate.scope"
            in {c.value for ws in load_workbook(out).worksheets for r in ws.iter_rows() for c in r}
        ) == (edition == "D1.1")
    assert yaml.safe_load(D1_ACME.read_text(encoding="utf-8"))["standard"] == "AILD D1"


def test_exports_evaluate_under_the_edition_the_file_names(capsys):
    code, out, _ = cli(capsys, "export", "hf-model-card", D1_ACME)
    assert code == 0 and "from the AILD D1 disclosure of" in out
    code, out, _ = cli(capsys, "export", "eu-ai-act", D1_ACME, "--format", "json")
    assert json.loads(out)["standard"] == "AILD D1"


def test_verify_with_an_input_file_uses_the_edition_the_file_names(tmp_path, capsys):
    """A keyless file (as written before D1.1) verifies against a D1 report; a file naming D1.1 does not."""
    assert cli(capsys, "render", D1_ACME, "-o", tmp_path, "--format", "xlsx")[0] == 0
    report = next(tmp_path.glob("*-AILD-D1.xlsx"))
    keyless = tmp_path / "keyless.yaml"
    keyless.write_text(
        D1_ACME.read_text(encoding="utf-8").replace("\nstandard: AILD D1\n", "\n"), encoding="utf-8"
    )
    assert cli(capsys, "verify", report, keyless)[0] == 0
    assert cli(capsys, "verify", report, SAMPLES / "acme-assistant-7b.yaml")[0] == 1  # names D1.1


def test_help_names_both_editions_and_migrate(capsys):
    import pytest

    with pytest.raises(SystemExit):
        main(["--help"])
    out = " ".join(capsys.readouterr().out.split())  # argparse wraps lines
    assert "AILD editions D1 and D1.1" in out and "migrate" in out
