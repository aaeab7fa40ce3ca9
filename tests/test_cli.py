"""End to end through the CLI: samples, exit codes, bad inputs (never a traceback), JSON shape."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
import yaml
from conftest import ROOT, SAMPLES

from reportgen.commands.main import main


def cli(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out = capsys.readouterr()
    return code, out.out, out.err


@pytest.mark.parametrize(
    "sample,status,code",
    [
        ("acme-assistant-7b.yaml", "complete", 0),
        ("mistral-large-2.yaml", "incomplete", 1),
        ("llama-3.1-405b.yaml", "incomplete", 1),
    ],
)
def test_samples(capsys, sample, status, code):
    rc, out, _ = cli(capsys, "check", str(SAMPLES / sample), "--format", "json")
    data = json.loads(out)
    assert rc == code and data["status"] == status


def test_json_output_shape(capsys):
    rc, out, _ = cli(capsys, "check", str(SAMPLES / "llama-3.1-405b.yaml"), "--format", "json")
    d = json.loads(out)
    assert d["standard"] == {"id": "AILD", "edition": "D1.1"}
    assert (
        0 <= d["completeness"] <= 1 and d["fingerprint"].startswith("sha256:") and len(d["fingerprint"]) == 71
    )
    assert d["missing"] == sorted(d["missing"])
    for f in d["findings"]:
        assert {"code", "severity", "field", "clause", "message", "fix", "location"} <= set(f)
    energy = d["values"]["training.energy"]
    assert energy["origin"] == "derived" and energy["unit"] == "kWh" and energy["trace"]["clause"] == "8.1"
    assert energy["value"] == pytest.approx(30.84e6 * 700 / 1000)
    assert d["values"]["training.ghg_location"]["trace"] is None
    assert set(d["totals"]) == {"energy", "ghg_location", "ghg_market", "water", "adpe"}
    t = d["totals"]["ghg_location"]
    assert {"value", "unit", "partial", "missing_phases", "by_phase"} <= set(t) and t[
        "value"
    ] == pytest.approx(8930000)
    assert set(d["functional_units"]) >= {"per_request", "per_1k_output_tokens"}
    assert d["inference_share"] is None


def test_llama_published_figures(capsys):
    _, out, _ = cli(capsys, "check", str(SAMPLES / "llama-3.1-405b.yaml"), "--format", "json")
    d = json.loads(out)
    assert d["totals"]["energy"]["value"] == pytest.approx(21_588_000)
    assert d["totals"]["ghg_market"]["value"] == 0
    assert "training.grid_intensity" in d["missing"]


def test_text_output_is_readable(capsys):
    rc, out, _ = cli(capsys, "check", str(SAMPLES / "mistral-large-2.yaml"))
    assert rc == 1
    assert "Status: Incomplete —" in out and "mandatory items missing" in out
    assert "Training energy [training.energy], clause 7.3" in out
    assert "Fingerprint: sha256:" in out


def test_text_output_french(capsys):
    rc, out, _ = cli(capsys, "check", str(SAMPLES / "acme-assistant-7b.yaml"), "--lang", "fr")
    assert rc == 0 and "Statut\u00a0: Complet" in out and "386,7 MWh" in out


BAD_FILES = {
    "empty.yaml": b"",
    "comments.yaml": b"# nothing\n",
    "list.yaml": b"- a\n- b\n",
    "scalar.json": b"42",
    "syntax.yaml": b"report:\n  a: [1, 2\n",
    "syntax.json": b'{"report": {"a": 1,}}',
    "binary.yaml": bytes(range(256)) * 4,
    "latin1.yaml": "organization:\n  name: Soci\xe9t\xe9\n".encode("latin-1"),
    "tabs.yaml": b"report:\n\tlanguage: en\n",
}


@pytest.mark.parametrize("name", sorted(BAD_FILES))
def test_unreadable_inputs_exit_2_with_a_message(capsys, tmp_path, name):
    p = tmp_path / name
    p.write_bytes(BAD_FILES[name])
    rc, out, err = cli(capsys, "check", str(p))
    assert rc == 2 and out == "" and "Traceback" not in err
    assert err.startswith("reportgen: ") and name in err


def test_missing_file_directory_and_huge_file(capsys, tmp_path):
    rc, _, err = cli(capsys, "check", str(tmp_path / "nope.yaml"))
    assert rc == 2 and "no such file" in err
    rc, _, err = cli(capsys, "check", str(tmp_path))
    assert rc == 2 and "directory" in err
    big = tmp_path / "big.yaml"
    with big.open("wb") as fh:
        fh.truncate(11 * 1024 * 1024)
    rc, _, err = cli(capsys, "check", str(big))
    assert rc == 2 and "MiB" in err


def test_alias_bomb_is_refused(capsys, tmp_path):
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    lines += [f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 10) + "]" for i in range(1, 8)]
    p = tmp_path / "bomb.yaml"
    p.write_text("\n".join(lines) + "\n", encoding="utf-8")
    rc, _, err = cli(capsys, "check", str(p))
    assert rc == 2 and "more than 50,000 keys and values (an alias counts as all it repeats)" in err
    assert "?" not in err  # says what it is, not "alias bomb?"


def test_bad_values_exit_1_located(capsys, tmp_path):
    p = tmp_path / "bad.yaml"
    p.write_text(
        yaml.safe_dump(
            {
                "report": {"reporting_period_start": "2026-01-01", "reporting_period_end": "2025-01-01"},
                "training": {"energy": "lots of MWh", "grid_intensity": "56 kWh", "accelerator_count": -3},
                "trainig": {"energy": 5},
            }
        ),
        encoding="utf-8",
    )
    rc, out, err = cli(capsys, "check", str(p), "--format", "json")
    assert rc == 1 and err == ""
    d = json.loads(out)
    got = {(f["code"], f["field"]) for f in d["findings"]}
    assert {
        ("E-RNG-6", "report.reporting_period_end"),
        ("E-TYPE", "training.energy"),
        ("E-UNIT", "training.grid_intensity"),
        ("E-FIELD", "trainig.energy"),
    } <= got
    assert all(f["location"]["line"] for f in d["findings"] if f["code"] in ("E-TYPE", "E-UNIT", "E-FIELD"))


def test_duplicate_yaml_key_is_reported(capsys, tmp_path):
    p = tmp_path / "dup.yaml"
    p.write_text("training:\n  energy: 5\n  energy: 6\n", encoding="utf-8")
    rc, out, _ = cli(capsys, "check", str(p), "--format", "json")
    d = json.loads(out)
    dup = [f for f in d["findings"] if f["field"] == "training.energy" and f["code"] == "E-TYPE"]
    assert dup and dup[0]["location"]["line"] == 3 and d["values"]["training.energy"]["value"] == 5


def test_bad_command_line_exits_2(capsys):
    with pytest.raises(SystemExit) as exc:
        main(["check"])
    assert exc.value.code == 2
    with pytest.raises(SystemExit) as exc:
        main(["check", "x.yaml", "--format", "xml"])
    assert exc.value.code == 2
    assert main([]) == 2


def test_standard_command(capsys):
    rc, out, _ = cli(capsys, "standard", "training.energy")
    assert rc == 0 and "derivable by clause 8.1" in out and "MWh" in out
    rc, out, _ = cli(capsys, "standard", "inference")
    assert rc == 0 and "inference.per_request_basis" in out
    rc, out, _ = cli(capsys, "standard")
    assert rc == 0 and out.count("\n") > 124
    rc, _, err = cli(capsys, "standard", "trainng")
    assert rc == 2 and "training" in err


def test_python_dash_m():
    proc = subprocess.run(
        [sys.executable, "-m", "reportgen", "check", str(SAMPLES / "acme-assistant-7b.yaml")],
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    assert proc.returncode == 0, proc.stderr
    assert "Status: Complete" in proc.stdout


def test_check_path_does_not_import_renderers():
    code = (
        "import sys; from reportgen.commands.main import main; main(['check', %r]);"
        "bad = [m for m in ('weasyprint', 'openpyxl', 'jinja2') if m in sys.modules]; print(bad)"
    )
    proc = subprocess.run(
        [sys.executable, "-c", code % str(SAMPLES / "acme-assistant-7b.yaml")],
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    assert proc.stdout.strip().splitlines()[-1] == "[]"


def test_nan_inf_and_huge_counts_never_crash(capsys, tmp_path):
    p = tmp_path / "n.yaml"
    p.write_text(
        "training:\n  energy: .nan\n  compute_flop: .inf\ninference:\n  requests: 100000000000000000000000\n",
        encoding="utf-8",
    )
    rc, out, err = cli(capsys, "check", str(p), "--format", "json")
    d = json.loads(out)
    assert rc == 1 and {("E-TYPE", "training.energy"), ("E-TYPE", "training.compute_flop")} <= {
        (f["code"], f["field"]) for f in d["findings"]
    }
    assert d["inputs"]["inference"]["requests"] == 1e23


def test_json_duplicate_keys_keep_the_first(capsys, tmp_path):
    p = tmp_path / "d.json"
    p.write_text('{"training": {"energy": 5,\n "energy": 6}}', encoding="utf-8")
    _, out, _ = cli(capsys, "check", str(p), "--format", "json")
    d = json.loads(out)
    assert d["values"]["training.energy"]["value"] == 5
    assert any(f["code"] == "E-TYPE" and f["location"]["line"] == 2 for f in d["findings"])


@pytest.mark.parametrize(
    ("edit", "lang", "status"),
    [
        (
            lambda t: t.replace("  cut_off_rule:", "  cut_of_rule:", 1),
            "en",
            "Incomplete — 1 error to correct",
        ),
        (
            lambda t: t.replace("  cut_off_rule:", "  cut_of_rule:", 1),
            "fr",
            "Incomplet — 1 erreur à corriger",
        ),
        (
            lambda t: t.replace("  cut_off_rule:", "  cut_of_rule:", 1) + "\nsystem.colour: blue\n",
            "en",
            "Incomplete — 2 errors to correct",
        ),
    ],
)
def test_status_with_errors_agrees_in_number(capsys, tmp_path, edit, lang, status):
    src = tmp_path / "typo.yaml"
    src.write_text(edit((SAMPLES / "acme-assistant-7b.yaml").read_text(encoding="utf-8")), encoding="utf-8")
    code, out, _ = cli(capsys, "check", str(src), "--lang", lang)
    assert code == 1 and status in out
