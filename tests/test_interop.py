"""reportgen import / export: CodeCarbon CSVs (2.x and 3.x), Hugging Face model cards, the EU AI Act items.

Fixtures in tests/fixtures/ carry CodeCarbon's real header rows (2.3.4 without experiment_id; 3.3.0 with
experiment_id, water_consumed, utilisation columns and wue). The 3.3.0 file holds one run that flushed
twice (three cumulative rows with one run_id) beside a second run on another node.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import shutil
from pathlib import Path

import pytest
import yaml

from reportgen import evaluate_file, evaluate_mapping
from reportgen.commands.main import main
from reportgen.interop import sig_text

FIX = Path(__file__).resolve().parent / "fixtures"
CC2 = FIX / "codecarbon-2.3.4-emissions.csv"
CC3 = FIX / "codecarbon-3.3.0-emissions.csv"
CARD = FIX / "hf-model-card-README.md"
SAMPLE = Path(__file__).resolve().parent.parent / "samples" / "acme-assistant-7b.yaml"
LLAMA = SAMPLE.parent / "llama-3.1-405b.yaml"


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, err


def rows(path: Path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def imported(capsys, *argv: str) -> tuple[dict, str]:
    code, out, err = run(capsys, "import", *argv)
    assert code == 0, err
    return yaml.safe_load(out), err


# -- CodeCarbon -----------------------------------------------------------------------------------
def test_codecarbon_2x_sums_runs_in_kwh_and_kg(capsys):
    tree, err = imported(capsys, "codecarbon", CC2, "--phase", "training")
    t = tree["training"]
    r = rows(CC2)
    assert len({x["run_id"] for x in r}) == 3
    assert t["energy"]["unit"] == "kWh" and t["energy"]["method"] == "measured"
    assert t["energy"]["value"] == pytest.approx(sum(float(x["energy_consumed"]) for x in r), rel=1e-5)
    assert t["ghg_location"]["unit"] == "kgCO2e"  # CodeCarbon writes kg: no ×1000 anywhere
    assert t["ghg_location"]["value"] == pytest.approx(sum(float(x["emissions"]) for x in r), rel=1e-5)
    src = t["energy"]["source"]
    assert "CodeCarbon 2.3.4" in src and "3 runs" in src and "21584e8a" in src and "pue 1.0" in src
    assert t["location_country"] == "DE"  # DEU, alpha-3 → alpha-2
    assert t["accelerator_model"] == "NVIDIA A100-SXM4-80GB" and t["accelerator_count"] == 8
    assert "water" not in t  # 2.x has no water column
    assert "pue" not in t and "pue" in err  # 1.0 is CodeCarbon's default, not a site PUE


def test_codecarbon_wallclock_is_the_span_of_the_runs(capsys):
    tree, _ = imported(capsys, "codecarbon", CC2, "--phase", "training")
    r = rows(CC2)
    ends = [dt.datetime.fromisoformat(x["timestamp"]) for x in r]
    starts = [e - dt.timedelta(seconds=float(x["duration"])) for e, x in zip(ends, r, strict=True)]
    span_days = (max(ends) - min(starts)).total_seconds() / 86400
    w = tree["training"]["wallclock_days"]
    assert w["unit"] == "days" and w["value"] == pytest.approx(span_days, rel=1e-5)
    assert w["value"] > sum(float(x["duration"]) for x in r) / 86400  # gaps between sequential runs count


def test_codecarbon_3x_cumulative_rows_water_and_pue(capsys):
    tree, err = imported(capsys, "codecarbon", CC3, "--phase", "finetuning")
    f = tree["finetuning"]
    r = rows(CC3)
    final = [r[2], r[3]]  # run 0d3c… flushed at lines 2-4 (cumulative); its last row, and run 9f1e…
    assert [x["run_id"][:8] for x in final] == ["0d3c9a51", "9f1e2d3c"]
    assert f["energy"]["value"] == pytest.approx(sum(float(x["energy_consumed"]) for x in final), rel=1e-5)
    assert f["energy"]["value"] < sum(float(x["energy_consumed"]) for x in r)  # not the sum of all rows
    assert "pue setting 1.2" in f["energy"]["source"] and "2 runs" in f["energy"]["source"]
    assert f["water"]["unit"] == "L" and f["water"]["method"] == "calculated"
    assert f["water"]["value"] == pytest.approx(sum(float(x["water_consumed"]) for x in final), rel=1e-5)
    assert f["pue"] == 1.2 and f["location_country"] == "FR"
    # finetuning has no accelerator fields in AILD D1: said, not invented
    assert "accelerator_model" not in f and "finetuning.accelerator_model" in err
    assert "cumulative" in err


def test_codecarbon_parallel_runs_wallclock_not_summed(capsys):
    tree, _ = imported(capsys, "codecarbon", CC3, "--phase", "training")
    r = rows(CC3)
    assert tree["training"]["wallclock_days"]["value"] == pytest.approx(
        float(r[2]["duration"]) / 86400, rel=1e-4
    )
    assert tree["training"]["accelerator_model"] == "NVIDIA H100 80GB HBM3"


def test_codecarbon_zero_water_when_wue_unset_is_not_imported(tmp_path, capsys):
    text = CC3.read_text().replace(",1.2,1.8\n", ",1.0,0.0\n")
    lines = text.splitlines()
    head = lines[0].split(",")
    w = head.index("water_consumed")
    fixed = [lines[0]] + [
        ",".join(c if i != w else "0.0" for i, c in enumerate(ln.split(","))) for ln in lines[1:]
    ]
    p = tmp_path / "emissions.csv"
    p.write_text("\n".join(fixed) + "\n")
    tree, err = imported(capsys, "codecarbon", p, "--phase", "inference")
    assert "water" not in tree["inference"] and "wue" in err


@pytest.mark.parametrize("column", ["energy_consumed", "emissions", "run_id", "duration"])
def test_codecarbon_missing_column_names_it(tmp_path, capsys, column):
    r = rows(CC2)
    p = tmp_path / "emissions.csv"
    with p.open("w", newline="") as fh:
        names = [c for c in r[0] if c != column]
        w = csv.DictWriter(fh, fieldnames=names, extrasaction="ignore")
        w.writeheader()
        w.writerows(r)
    code, out, err = run(capsys, "import", "codecarbon", p, "--phase", "training")
    assert code == 2 and out == ""
    assert f"'{column}' is missing" in err and "Traceback" not in err


@pytest.mark.parametrize(
    "content, expected",
    [
        (b"", "is empty"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "binary"),
        (b"report:\n  language: en\n", "not a CodeCarbon emissions.csv"),
        (b"\xff\xfe\xfa not utf-8", "not UTF-8"),
        (CC2.read_bytes().splitlines()[0] + b"\n", "no data row"),
        (CC2.read_bytes().replace(b",29.10156", b",abc", 1), "not a number"),
        (CC2.read_bytes().replace(b",Germany,", b",Germany,extra,", 1), "values for 31 columns"),
    ],
)
def test_codecarbon_malformed_files_exit_2(tmp_path, capsys, content, expected):
    p = tmp_path / "emissions.csv"
    p.write_bytes(content)
    code, out, err = run(capsys, "import", "codecarbon", p, "--phase", "training")
    assert code == 2 and out == "" and expected in err, err


@pytest.mark.parametrize(
    "fixture, row, column, value, expected",
    [
        (CC2, 1, "energy_consumed", "inf", "not a finite number"),
        (CC2, 2, "emissions", "nan", "not a finite number"),
        (CC2, 0, "duration", "-inf", "not a finite number"),
        (CC2, 2, "duration", "1e400", "not a finite number"),  # beyond float range: inf once read
        (CC3, 3, "water_consumed", "-Infinity", "not a finite number"),
        (CC3, 0, "pue", "inf", "not a finite number"),
        (CC3, 1, "wue", "NaN", "not a finite number"),
        (CC2, 1, "gpu_count", "abc", "not a number"),
        (CC2, 1, "gpu_count", "2.5", "not a whole number"),
        (CC2, 2, "energy_consumed", "-3", "cannot be negative"),
    ],
)
def test_codecarbon_non_finite_and_bad_numbers_refused_with_place(
    tmp_path, capsys, fixture, row, column, value, expected
):
    r = rows(fixture)
    r[row][column] = value
    p = tmp_path / "emissions.csv"
    with p.open("w", newline="") as fh:
        w = csv.DictWriter(fh, fieldnames=list(r[0]))
        w.writeheader()
        w.writerows(r)
    out = tmp_path / "fragment.yaml"
    code, stdout, err = run(capsys, "import", "codecarbon", p, "--phase", "training", "-o", out)
    assert code == 2 and stdout == "" and not out.exists(), err
    assert f"emissions.csv:{row + 2}, column '{column}'" in err and expected in err and "Traceback" not in err


def test_codecarbon_bad_phase_and_missing_file(tmp_path, capsys):
    with pytest.raises(SystemExit) as exc:  # a command-line error, checked by the shared --phase option
        run(capsys, "import", "codecarbon", CC2, "--phase", "hardware")
    assert exc.value.code == 2 and "energy field" in capsys.readouterr().err
    code, _, err = run(capsys, "import", "codecarbon", tmp_path / "nope.csv", "--phase", "training")
    assert code == 2 and "no such file" in err


# -- merging ----------------------------------------------------------------------------------------
@pytest.fixture
def sample_copy(tmp_path) -> Path:
    p = tmp_path / "disclosure.yaml"
    shutil.copy(SAMPLE, p)
    return p


def test_merge_keeps_supplied_values_and_reports_conflicts(sample_copy, tmp_path, capsys):
    out = tmp_path / "merged.yaml"
    before = sample_copy.read_bytes()
    code, stdout, err = run(
        capsys, "import", "codecarbon", CC2, "--phase", "training", "--into", sample_copy, "-o", out
    )
    assert code == 1 and stdout == ""
    assert sample_copy.read_bytes() == before  # the input is never touched
    assert "conflict: training.location_country" in err and "FR" in err and "DE" in err
    assert "conflict: training.accelerator_count" in err
    text = out.read_text()
    assert text.startswith(before.decode())  # comments and layout of the input kept verbatim
    merged = yaml.safe_load(text)
    assert merged["training"]["location_country"] == "FR"  # the input's value won
    assert merged["training.energy"]["method"] == "measured"  # added (training.energy was not supplied)
    ev = evaluate_mapping(merged)
    bad = [f for f in ev.findings if f.code in ("E-FIELD", "E-TYPE", "E-UNIT")]
    assert not bad, bad
    assert ev.values["training.energy"].origin == "supplied"
    assert ev.values["training.energy"].value == pytest.approx(merged["training.energy"]["value"])


def test_merge_same_values_are_not_conflicts(sample_copy, tmp_path, capsys):
    first, second = tmp_path / "one.yaml", tmp_path / "two.yaml"
    run(capsys, "import", "codecarbon", CC3, "--phase", "finetuning", "--into", sample_copy, "-o", first)
    data = yaml.safe_load(first.read_text())
    data["finetuning"].pop("pue")  # make the second import add a value rather than meet a conflict
    first.write_text(yaml.safe_dump(data, sort_keys=False))
    code, _, err = run(
        capsys, "import", "codecarbon", CC3, "--phase", "finetuning", "--into", first, "-o", second
    )
    assert "conflict: finetuning.energy" not in err and "already there" in err
    assert "conflict: finetuning.pue" not in err
    # location FR equals the sample's FR: same; wue/water: water added on the first pass, same on the second
    assert code == 0, err
    ev = evaluate_file(second)
    assert not [f for f in ev.findings if f.code in ("E-FIELD", "E-TYPE", "E-UNIT")]


def test_merge_refuses_to_overwrite_its_input(sample_copy, capsys):
    code, out, err = run(
        capsys, "import", "codecarbon", CC2, "--phase", "training", "--into", sample_copy, "-o", sample_copy
    )
    assert code == 2 and "refusing to overwrite" in err


def test_merge_into_json_and_flow_style_yaml(tmp_path, capsys, acme_tree):
    js = tmp_path / "d.json"
    js.write_text(json.dumps(acme_tree, default=str))
    out = tmp_path / "merged.json"
    code, _, err = run(capsys, "import", "hf-model-card", CARD, "--into", js, "-o", out)
    assert code == 0, err
    merged = json.loads(out.read_text())
    assert merged["finetuning"]["ghg_location"]["unit"] == "kgCO2e"
    flow = tmp_path / "flow.yaml"
    flow.write_text("# a comment\n" + yaml.safe_dump(acme_tree, default_flow_style=True, width=10_000))
    out2 = tmp_path / "merged.yaml"
    code, _, err = run(capsys, "import", "hf-model-card", CARD, "--into", flow, "-o", out2)
    assert code == 0, err
    text = out2.read_text()
    assert "comments of flow.yaml were not kept" in text  # said in the output header
    ev = evaluate_file(out2)
    assert ev.values["finetuning.ghg_location"].value == pytest.approx(2.12255)
    assert not [f for f in ev.findings if f.code in ("E-FIELD", "E-TYPE", "E-UNIT")]


# -- Hugging Face -----------------------------------------------------------------------------------
def card(tmp_path: Path, block: str, name: str = "README.md") -> Path:
    p = tmp_path / name
    p.write_text(f"---\nlicense: mit\n{block}---\n\n# Model\n", encoding="utf-8")
    return p


def test_hf_card_grams_to_kilograms(capsys):
    tree, err = imported(capsys, "hf-model-card", CARD)
    g = tree["finetuning"]["ghg_location"]  # training_type fine-tuning
    assert g["unit"] == "kgCO2e" and g["value"] == pytest.approx(2122.55 / 1000)
    assert g["method"] == "measured" and "2122.55 g" in g["source"] and "CodeCarbon 3.3.0" in g["source"]
    assert tree["finetuning"]["location_country"] == "FR"
    assert "finetuning.accelerator_model" in err


def test_hf_card_bare_number_region_and_alpha3(tmp_path, capsys):
    p = card(tmp_path, "co2_eq_emissions: 149200\n")
    code, _, err = run(capsys, "import", "hf-model-card", p)
    assert code == 2 and "--phase" in err  # no training_type: the phase must be said
    tree, _ = imported(capsys, "hf-model-card", p, "--phase", "training")
    assert tree["training"]["ghg_location"]["value"] == pytest.approx(149.2)
    assert tree["training"]["ghg_location"]["method"] == "estimated"
    p2 = card(
        tmp_path,
        "co2_eq_emissions:\n  emissions: 5\n  training_type: pre-training\n"
        "  geographical_location: Quebec, Canada\n  hardware_used: 8 x A100\n",
        "r2.md",
    )
    t2, _ = imported(capsys, "hf-model-card", p2)
    assert t2["training"]["location_region"] == "Quebec, Canada" and "location_country" not in t2["training"]
    assert t2["training"]["accelerator_model"] == "A100" and t2["training"]["accelerator_count"] == 8
    p3 = card(
        tmp_path,
        "co2_eq_emissions:\n  emissions: 5\n  training_type: fine-tuning\n  geographical_location: USA\n",
        "r3.md",
    )
    t3, _ = imported(capsys, "hf-model-card", p3)
    assert t3["finetuning"]["location_country"] == "US"
    p4 = card(
        tmp_path,
        "co2_eq_emissions:\n  emissions: 5\n  training_type: fine-tuning\n"
        "  geographical_location: europe-north1\n",
        "r4.md",
    )
    t4, err = imported(capsys, "hf-model-card", p4)
    assert "europe-north1" in t4["finetuning"]["ghg_location"]["source"] and "region field" in err


@pytest.mark.parametrize(
    "text, expected",
    [
        ("# Model\n\nNo metadata here.\n", "no YAML front matter"),
        ("---\nlicense: mit\n---\n# Model\n", "no co2_eq_emissions"),
        (
            "---\nco2_eq_emissions:\n  emissions: lots\n  training_type: pre-training\n---\n",
            "not a number of grams",
        ),
        ("---\nco2_eq_emissions: [1, 2\n---\n", "not valid YAML"),
        ("", "is empty"),
    ],
)
def test_hf_card_malformed_exit_2(tmp_path, capsys, text, expected):
    p = tmp_path / "README.md"
    p.write_text(text)
    code, out, err = run(capsys, "import", "hf-model-card", p)
    assert code == 2 and out == "" and expected in err, err


@pytest.mark.parametrize(
    "hardware, accelerator",
    [
        ("12 x 13th Gen Intel(R) Core(TM) i7-1365U (CPU)", False),
        ("2 x Intel Xeon Platinum 8480+", False),
        ("AMD EPYC 7763 64-Core Processor", False),
        ("CPU", False),
        ("8 x NVIDIA A100-SXM4-80GB", True),
        ("4 x AMD Instinct MI250X", True),
        ("16 x Intel Gaudi 2", True),
    ],
)
def test_hf_cpus_are_not_accelerators(tmp_path, capsys, hardware, accelerator):
    p = card(
        tmp_path,
        f"co2_eq_emissions:\n  emissions: 1250\n  training_type: pre-training\n  hardware_used: {hardware}\n",
    )
    tree, err = imported(capsys, "hf-model-card", p)
    t = tree["training"]
    if accelerator:
        assert "accelerator_model" in t and "not accelerators" not in err
    else:
        assert "accelerator_model" not in t and "accelerator_count" not in t
        assert f"hardware_used '{hardware}' names CPUs, which are not accelerators" in err
        assert hardware in t["ghg_location"]["source"]  # kept in the source text, not lost


def test_hf_energy_consumed_and_hours_used_are_imported(tmp_path, capsys):
    block = (
        "co2_eq_emissions:\n  emissions: 5600\n  source: ML CO2 Impact calculator\n  training_type: {tt}\n"
        "  hardware_used: {hw}\n  energy_consumed: 12.5\n  hours_used: 10\n"
    )
    p = card(tmp_path, block.format(tt="pre-training", hw="8 x A100"))
    tree, err = imported(capsys, "hf-model-card", p)
    t = tree["training"]
    assert (
        t["energy"] == {"value": 12.5, "unit": "kWh", "method": "estimated", "source": t["energy"]["source"]}
        and "energy_consumed: 12.5 kWh" in t["energy"]["source"]
    )
    assert t["wallclock_days"]["value"] == 10 and t["wallclock_days"]["unit"] == "h"
    assert t["accelerator_hours"]["value"] == 80 and t["accelerator_hours"]["unit"] == "h"  # 10 h × 8
    assert (
        t["accelerator_hours"]["method"] == "calculated"
        and "× 8 accelerators" in t["accelerator_hours"]["source"]
    )
    ev = evaluate_mapping(tree)
    assert not [f for f in ev.findings if f.code.startswith("E-")], ev.findings
    assert ev.values["training.wallclock_days"].value == pytest.approx(10 / 24)
    # fine-tuning has accelerator-hours but no wall-clock field; the count still comes from hardware_used
    p2 = card(tmp_path, block.format(tt="fine-tuning", hw="8 x A100"), "ft.md")
    t2, _ = imported(capsys, "hf-model-card", p2)
    assert t2["finetuning"]["accelerator_hours"]["value"] == 80 and "wallclock_days" not in t2["finetuning"]
    assert t2["finetuning"]["energy"]["value"] == 12.5
    # no count, or CPUs: hours are not accelerator-hours, and the note says why
    p3 = card(tmp_path, block.format(tt="pre-training", hw="A100"), "nocount.md")
    t3, err3 = imported(capsys, "hf-model-card", p3)
    assert "accelerator_hours" not in t3["training"] and "gives no count" in err3
    p4 = card(tmp_path, block.format(tt="pre-training", hw="4 x Intel Xeon Gold 6338"), "cpu.md")
    t4, err4 = imported(capsys, "hf-model-card", p4)
    assert "accelerator_hours" not in t4["training"] and "the hardware is CPUs, not accelerators" in err4
    assert t4["training"]["wallclock_days"]["value"] == 10


@pytest.mark.parametrize(
    "meta, method",
    [
        ("tags:\n- autotrain\n- text-classification\n", "measured"),
        ("tags: autotrain\n", "measured"),
        ("tags:\n- text-classification\n", "estimated"),
    ],
)
def test_hf_autotrain_tag_means_measured(tmp_path, capsys, meta, method):
    p = tmp_path / "README.md"
    p.write_text(f"---\n{meta}co2_eq_emissions:\n  emissions: 0.8149\n---\n# Model Trained Using AutoTrain\n")
    tree, _ = imported(capsys, "hf-model-card", p, "--phase", "finetuning")
    g = tree["finetuning"]["ghg_location"]
    assert g["method"] == method and ("tagged autotrain" in g["source"]) == (method == "measured")


def test_hf_card_list_block_says_what_is_wrong(tmp_path, capsys):
    p = card(
        tmp_path,
        "co2_eq_emissions:\n- emissions: 100\n  training_type: pre-training\n"
        "- emissions: 50\n  training_type: fine-tuning\n",
    )
    code, out, err = run(capsys, "import", "hf-model-card", p)
    assert code == 2 and out == ""
    assert "co2_eq_emissions is a list of 2 item(s)" in err and "Nothing was imported" in err
    assert "one block" in err and "not a number of grams" not in err


@pytest.mark.parametrize(
    "block, expected",
    [
        (
            "co2_eq_emissions:\n  emissions: .inf\n  training_type: pre-training\n",
            "not a finite number of grams",
        ),
        (
            "co2_eq_emissions:\n  emissions: .nan\n  training_type: pre-training\n",
            "not a finite number of grams",
        ),
        ("co2_eq_emissions: 1e400\n", "not a finite number of grams"),
        ("co2_eq_emissions: 1" + "0" * 400 + "\n", "not a finite number of grams"),
        ("co2_eq_emissions:\n  emissions: [1, 2]\n  training_type: pre-training\n", "emissions is a list"),
        (
            "co2_eq_emissions:\n  emissions: 5\n  energy_consumed: -2\n  training_type: pre-training\n",
            "energy_consumed is -2; it cannot be negative",
        ),
        (
            "co2_eq_emissions:\n  emissions: 5\n  hours_used: ten\n  training_type: pre-training\n",
            "hours_used is 'ten', not a number of hours",
        ),
        ("co2_eq_emissions:\n", "co2_eq_emissions is empty"),
    ],
)
def test_hf_card_bad_numbers_exit_2(tmp_path, capsys, block, expected):
    code, out, err = run(capsys, "import", "hf-model-card", card(tmp_path, block), "--phase", "training")
    assert code == 2 and out == "" and expected in err and "Traceback" not in err, err


def test_hf_card_unknown_block_key_is_said(tmp_path, capsys):
    p = card(tmp_path, "co2_eq_emissions:\n  emissions: 5\n  training_type: pre-training\n  pue: 1.2\n")
    _, err = imported(capsys, "hf-model-card", p)
    assert "co2_eq_emissions.pue not imported" in err


def test_hf_fragment_merged_evaluates_cleanly(tmp_path, capsys, acme_tree):
    tree, _ = imported(capsys, "hf-model-card", CARD, "--phase", "training")
    data = json.loads(json.dumps(acme_tree, default=str))
    for fid in ("accelerator_model", "accelerator_count", "location_country"):
        data["training"].pop(fid)
    data["training"].update(tree["training"])
    ev = evaluate_mapping(data)
    assert not [f for f in ev.findings if f.code in ("E-FIELD", "E-TYPE", "E-UNIT")]
    assert ev.values["training.ghg_location"].value == pytest.approx(2.12255)


# -- exports ----------------------------------------------------------------------------------------
def test_export_hf_block_in_grams(capsys):
    code, out, err = run(capsys, "export", "hf-model-card", SAMPLE)
    assert code == 0, err
    block = yaml.safe_load(out)["co2_eq_emissions"]
    ev = evaluate_file(SAMPLE)
    assert block["emissions"] == pytest.approx(ev.values["training.ghg_location"].value * 1000, rel=1e-6)
    assert block["training_type"] == "pre-training"
    assert block["hardware_used"] == "256 x NVIDIA H100 SXM 80GB"
    assert block["geographical_location"].endswith("France")
    assert "clause 8.2" in block["source"]  # derived: the formula is named


def test_export_hf_without_emissions_exit_1(tmp_path, capsys):
    p = tmp_path / "d.yaml"
    p.write_text("system:\n  name: X\n")
    code, out, err = run(capsys, "export", "hf-model-card", p)
    assert code == 1 and out == "" and "training.ghg_location" in err


def test_export_eu_ai_act_json(capsys):
    code, out, err = run(capsys, "export", "eu-ai-act", SAMPLE, "--format", "json")
    assert code == 0, err
    doc = json.loads(out)
    by_field = {i["field"]: i for i in doc["items"]}
    ev = evaluate_file(SAMPLE)
    energy = by_field["training.energy"]
    assert energy["unit"] == "MWh" and energy["origin"] == "derived" and "clause 8.1" in energy["formula"]
    assert energy["value"] == float(f"{ev.values['training.energy'].value / 1000:.3g}")
    assert by_field["training.compute_flop"]["display"] == "8.60 × 10^22 FLOP"
    assert by_field["training.accelerator_count"]["value"] == 256
    assert "methodology.description" in by_field and doc["missing"] == []


def test_exports_name_the_system_never_the_input_file(capsys, tmp_path):
    """An export is published: it names the system and the fingerprint, not the input's file name (which
    may say anything about the company's folders), in English and French (with the elision « d'Acme »)."""
    src = tmp_path / "internal-draft-do-not-share.yaml"
    shutil.copy(SAMPLE, src)
    for lang in ("en", "fr"):
        for args in (("eu-ai-act",), ("eu-ai-act", "--format", "json"), ("hf-model-card",)):
            code, out, err = run(capsys, "export", *args, src, "--lang", lang)
            assert code == 0, err
            assert "internal-draft" not in out and "Acme Assistant 2.1" in out
            assert "d'Acme Assistant 2.1" in out or lang == "en" or "json" in args
    assert json.loads(run(capsys, "export", "eu-ai-act", src, "--format", "json")[1])["system"] == (
        "Acme Assistant 2.1"
    )


def test_export_eu_ai_act_names_what_is_missing(capsys):
    code, out, _ = run(capsys, "export", "eu-ai-act", LLAMA)
    assert code == 1
    assert "## Missing" in out and "Training wall-clock time (`training.wallclock_days`)" in out
    code, out, _ = run(capsys, "export", "eu-ai-act", LLAMA, "--format", "json")
    missing = json.loads(out)["missing"]
    assert {
        "ref": "2(d) training time",
        "field": "training.wallclock_days",
        "label": "Training wall-clock time",
    } in missing


@pytest.mark.parametrize(
    "x, text",
    [
        (8.6e22, "8.60 × 10^22"),
        (9.996e22, "1.00 × 10^23"),
        (80.9239, "80.9"),
        (21_600.4, "21,600"),
        (0.01234, "0.0123"),
        (5, "5.00"),
    ],
)
def test_sig_text_three_significant_figures(x, text):
    assert sig_text(x, 3) == text
