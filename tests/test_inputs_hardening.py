"""Issue 10, text inputs, through the CLI: one safe YAML 1.2 reader for every YAML a user gives (defects 5
and 11), the findings cap (7), numbers beyond float range and lone surrogates (9), and what reaches the
terminal (12)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from reportgen.commands.main import main

CARD = Path(__file__).resolve().parent / "fixtures" / "hf-model-card-README.md"


def cli(capsys, *argv: object) -> tuple[int, str, str]:
    code = main([str(a) for a in argv])
    out = capsys.readouterr()
    return code, out.out, out.err


def check_json(capsys, path: Path) -> tuple[int, dict]:
    rc, out, err = cli(capsys, "check", path, "--format", "json")
    assert out, err
    return rc, json.loads(out)


def findings(d: dict, code: str | None = None) -> list[dict]:
    return [f for f in d["findings"] if code is None or f["code"] == code]


def write(tmp_path: Path, name: str, text: str) -> Path:
    p = tmp_path / name
    p.write_text(text, encoding="utf-8")
    return p


def alias_bomb(levels: int = 9) -> list[str]:
    """About 1 KB of YAML that expands to 9^10 ≈ 3.5 billion values."""
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x]"]
    lines += [f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 9) + "]" for i in range(1, levels + 1)]
    return lines


# -- defect 5: the node budget for every YAML reportgen reads from users ------------------------------
def test_alias_bomb_model_card_is_refused(capsys, tmp_path):
    card = write(
        tmp_path,
        "README.md",
        "---\n" + "\n".join(alias_bomb()) + "\nco2_eq_emissions: {emissions: *a9}\n---\n# card\n",
    )
    assert card.stat().st_size < 1100
    rc, out, err = cli(capsys, "import", "hf-model-card", card, "--phase", "training")
    assert rc == 2 and out == ""
    assert "more than 50,000 keys and values (an alias counts as all it repeats)" in err


def test_alias_bomb_into_target_is_refused(capsys, tmp_path):
    target = write(tmp_path, "d.yaml", "\n".join(alias_bomb()) + "\ntraining:\n  pue: *a9\n")
    rc, out, err = cli(capsys, "import", "hf-model-card", CARD, "--into", target)
    assert rc == 2 and "more than 50,000 keys and values" in err
    assert target.read_text(encoding="utf-8").startswith("a0: &a0")  # never written


@pytest.mark.parametrize(
    "name,text",
    [
        ("many.yaml", "".join(f"k{i}: {i}\n" for i in range(30_000))),
        ("many.json", json.dumps({f"k{i}": i for i in range(30_000)})),
        ("strings.json", json.dumps({"a": [str(i) for i in range(60_000)]})),
    ],
)
def test_too_many_values_without_aliases(capsys, tmp_path, name, text):
    rc, out, err = cli(capsys, "check", write(tmp_path, name, text))
    assert rc == 2 and out == "" and "more than 50,000 keys and values" in err


def test_aliases_are_located_at_their_anchor(capsys, tmp_path):
    p = write(tmp_path, "a.yaml", "grp: &g\n  energy: five\ntraining: *g\n")
    rc, d = check_json(capsys, p)
    assert [f["location"]["line"] for f in findings(d, "E-TYPE")] == [2]


def test_alias_in_a_key_is_refused(capsys, tmp_path):
    p = write(tmp_path, "k.yaml", "\n".join(alias_bomb(1)) + "\n? [*a1, *a1]\n: 1\n")  # a list as a key
    rc, _, err = cli(capsys, "check", p)
    assert rc == 2 and "k.yaml:3: a key must be plain text" in err


def test_front_matter_errors_give_the_card_line(capsys, tmp_path):
    card = write(tmp_path, "README.md", "---\nlicense: mit\nco2_eq_emissions: [1, 2\n---\n")
    rc, _, err = cli(capsys, "import", "hf-model-card", card)
    assert rc == 2 and "README.md:4:" in err and "not valid YAML" in err


# -- defect 11: YAML 1.2 core schema ---------------------------------------------------------------------
def test_yaml_12_core_schema(capsys, tmp_path):
    p = write(
        tmp_path,
        "d.yaml",
        """\
organization:
  country: NO
  name: yes
system:
  model_version: 1.10
  modality: on
training:
  accelerator_count: 0400
  wallclock_days: 1:20
  accelerator_hours: 0x1F
  compute_flop: 1e5
  pue: .inf
  energy: .nan
report:
  reporting_period_start: 2026-01-01
  reporting_period_end: 2026-12-31T23:59:59
""",
    )
    rc, d = check_json(capsys, p)
    assert rc == 1
    org, sysm, tr = d["inputs"]["organization"], d["inputs"]["system"], d["inputs"]["training"]
    assert org["country"] == "NO" and org["name"] == "yes"  # not False, not True
    assert sysm["model_version"] == "1.10"  # text as typed, not the float 1.1
    assert tr["accelerator_count"] == 400  # decimal, never octal 256
    assert tr["accelerator_hours"]["value"] == 31 and tr["compute_flop"]["value"] == 100000
    assert "wallclock_days" not in tr  # 1:20 is text, never sexagesimal 80
    rejected = {f["field"]: f["message"] for f in findings(d, "E-TYPE")}
    assert "'1:20' is not a number" in rejected["training.wallclock_days"]
    assert {"training.pue", "training.energy", "system.modality"} <= set(rejected)
    assert d["inputs"]["report"] == {
        "reporting_period_start": "2026-01-01",
        "reporting_period_end": "2026-12-31",
    }


def test_yaml_12_in_model_cards_and_into_targets(capsys, tmp_path):
    card = write(
        tmp_path,
        "README.md",
        "---\nco2_eq_emissions:\n  emissions: 0400\n  training_type: pre-training\n"
        "  geographical_location: NO\n---\n",
    )
    target = write(
        tmp_path, "d.yaml", "# ours\norganization:\n  country: NO\ntraining:\n  accelerator_count: 0400\n"
    )
    rc, out, err = cli(capsys, "import", "hf-model-card", card, "--into", target)
    assert rc == 0, err
    assert "# ours" in out  # appended below the untouched original
    merged = write(tmp_path, "m.yaml", out)
    _, d = check_json(capsys, merged)
    assert d["inputs"]["organization"]["country"] == "NO"
    assert d["inputs"]["training"]["location_country"] == "NO"  # Norway, not the text 'False'
    assert d["inputs"]["training"]["accelerator_count"] == 400
    assert d["inputs"]["training"]["ghg_location"]["value"] == pytest.approx(0.4)  # 400 g, not 256 g


def test_merge_keys_are_refused_by_name(capsys, tmp_path):
    p = write(tmp_path, "m.yaml", "base: &b {energy: 5}\ntraining:\n  <<: *b\n  pue: 1.2\n")
    rc, _, err = cli(capsys, "check", p)
    assert rc == 2
    assert "m.yaml:3: '<<' (a YAML merge key) is not supported" in err and "Write the keys out in full" in err


def test_other_tags_are_refused(capsys, tmp_path):
    p = write(tmp_path, "t.yaml", "training:\n  energy: !!python/object:os.system echo\n")
    rc, _, err = cli(capsys, "check", p)
    assert rc == 2 and "t.yaml:2:" in err
    p = write(tmp_path, "s.yaml", "training: !!set {energy: null}\n")
    rc, _, err = cli(capsys, "check", p)
    assert rc == 2 and "tag:yaml.org,2002:set is not supported" in err


def test_deep_nesting_is_refused_with_its_line(capsys, tmp_path):
    p = write(tmp_path, "deep.yaml", "training:\n  x: " + "[" * 100 + "]" * 100 + "\n")
    rc, _, err = cli(capsys, "check", p)
    assert rc == 2 and "deep.yaml:2: the document is nested more than 64 levels deep" in err


def test_deep_json_value_is_refused_before_render(capsys, tmp_path):
    """A JSON value nested 300 deep in a real field used to reach the payload writer: exit 3."""
    doc = yaml.safe_load((Path(__file__).parents[1] / "samples" / "acme-assistant-7b.yaml").read_text())
    text = json.dumps(doc, default=str).replace('"Acme Assistant"', "[" * 300 + '"x"' + "]" * 300, 1)
    p = write(tmp_path, "deep.json", text)
    rc, _, err = cli(capsys, "render", p, "-o", tmp_path / "out")
    assert rc == 2 and "deep.json: the document is nested more than 64 levels deep (at system.name" in err
    assert not (tmp_path / "out").exists() or not any((tmp_path / "out").iterdir())


# -- defect 7: findings capped per code ------------------------------------------------------------------
def test_findings_are_capped_per_code_with_a_count_of_the_rest(capsys, tmp_path):
    p = write(
        tmp_path,
        "u.yaml",
        "report:\n  language: en\n" + "".join(f"unknown_field_{i:05d}: {i}\n" for i in range(3000)),
    )
    rc, d = check_json(capsys, p)
    assert rc == 1
    e_field = findings(d, "E-FIELD")
    assert len(e_field) == 51
    summary = [f for f in e_field if f["field"] is None]
    assert (
        len(summary) == 1
        and "3,000 E-FIELD findings: only the first 50 are listed, the other 2,950" in summary[0]["message"]
    )
    listed = [f for f in e_field if f["field"]]
    assert [f["location"]["line"] for f in listed] == list(range(3, 53))  # the first ones, in file order
    assert d["counts"]["error"] >= 3000  # counts are not capped
    assert sum(f["code"] in ("M-REQ", "M-REQ-COND") for f in d["findings"]) == len(d["missing"])  # exempt
    rc, out, _ = cli(capsys, "check", p)
    assert out.count("E-FIELD") == 52 and "the other 2,950 are not" in out  # 51 findings + the summary text
    rc, out, _ = cli(capsys, "check", p, "--lang", "fr")
    assert "seuls les 50 premiers sont listés" in out


# -- defect 9: numbers beyond float range, lone surrogates -------------------------------------------------
BIG = "1" + "0" * 5000  # more than the 4,300 digits Python converts


@pytest.mark.parametrize(
    "name,first,text",
    [
        (
            "big.yaml",
            2,
            f"training:\n  energy: {BIG}\n  accelerator_count: {'9' * 400}\n  compute_flop: 1e400\n"
            f"  accelerator_hours: -{BIG}\n",
        ),
        (
            "big.json",
            1,
            f'{{"training": {{"energy": {BIG},\n "accelerator_count": {"9" * 400},\n "compute_flop": 1e400,'
            f'\n "accelerator_hours": -{BIG}}}}}',
        ),
    ],
)
def test_numbers_beyond_float_range_are_e_type(capsys, tmp_path, name, first, text):
    p = write(tmp_path, name, text)
    rc, out, err = cli(capsys, "check", p)
    assert rc == 1 and err == ""
    assert out.count("is beyond the range of numbers reportgen computes with") == 4
    rc, d = check_json(capsys, p)
    lines = {f["field"]: f["location"]["line"] for f in findings(d, "E-TYPE")}
    fields = [
        "training.energy",
        "training.accelerator_count",
        "training.compute_flop",
        "training.accelerator_hours",
    ]
    assert lines == {f: first + i for i, f in enumerate(fields)}
    assert all(len(f["message"]) < 300 for f in d["findings"])  # the value is shortened


def test_huge_emissions_in_a_model_card(capsys, tmp_path):
    for value in (BIG, "1e400", ".inf"):
        card = write(
            tmp_path,
            "README.md",
            f"---\nco2_eq_emissions:\n  emissions: {value}\n  training_type: pre-training\n---\n",
        )
        rc, out, err = cli(capsys, "import", "hf-model-card", card)
        assert rc == 2 and out == "" and "not a finite number of grams" in err


def test_lone_surrogate_in_json_is_located(capsys, tmp_path):
    p = write(tmp_path, "s.json", '{"system": {"name": "ok",\n "model_name": "bad \\ud800 x"}}')
    rc, out, err = cli(capsys, "check", p)
    assert rc == 2 and out == ""
    assert "s.json:2: the text holds an escape such as \\ud800" in err and "system.model_name" in err
    p = write(tmp_path, "k.json", '{"system": {"name": "ok"},\n\n "\\udc00": 1}')
    rc, _, err = cli(capsys, "check", p)
    assert rc == 2 and "k.json:3:" in err


def test_surrogate_pairs_and_escaped_backslashes_are_fine(capsys, tmp_path):
    p = write(
        tmp_path, "ok.json", '{"system": {"name": "emoji \\ud83d\\ude00",\n "model_name": "not \\\\ud800"}}'
    )
    rc, d = check_json(capsys, p)
    assert d["inputs"]["system"] == {"name": "emoji \U0001f600", "model_name": "not \\ud800"}


def test_lone_surrogate_in_yaml_is_located(capsys, tmp_path):
    p = write(tmp_path, "s.yaml", 'system:\n  name: "bad \\ud800"\n')
    rc, _, err = cli(capsys, "check", p)
    assert rc == 2 and "s.yaml:2:" in err


# -- defect 12: terminal escapes, duplicate group keys ------------------------------------------------------
def test_control_characters_never_reach_the_terminal(capsys, tmp_path):
    p = write(
        tmp_path,
        "esc.yaml",
        'system:\n  name: "Evil\\e]0;pwned\\a\\e[2J"\n"x\\e[31mred\\rover": 1\n'
        'training:\n  energy: "\\x9b31m5 MWh"\n',
    )
    for fmt in ("text", "json"):
        rc, out, err = cli(capsys, "check", p, "--format", fmt)
        assert rc == 1
        assert not any(c in out + err for c in "\x1b\x9b\x07\r")
    rc, out, _ = cli(capsys, "check", p)
    assert "'x\\u001b[31mred\\rover' is not a field" in out and "'\\x9b31m5 MWh'" in out
    rc, out, err = cli(capsys, "check", tmp_path / "no\x1b[2Jsuch.yaml")
    assert rc == 2 and "\x1b" not in err and "no\\u001b[2Jsuch.yaml" in err


def test_duplicate_group_key_is_named(capsys, tmp_path):
    p = write(tmp_path, "dup.yaml", "training:\n  energy: 5\ntraining:\n  pue: 1.1\n")
    rc, d = check_json(capsys, p)
    dup = [f for f in findings(d, "E-TYPE") if f["location"]["line"] == 3]
    assert len(dup) == 1 and dup[0]["field"] is None
    msg = dup[0]["message"]
    assert not msg.startswith(" (") and "'training' is given more than once" in msg and "ignored" in msg
    assert "training.pue" not in d["inputs"].get("training", {})


def test_json_output_is_still_json_with_controls(capsys, tmp_path):
    p = write(tmp_path, "c.json", '{"system": {"name": "a\\u001bb\\u0085c"}}')
    rc, d = check_json(capsys, p)
    assert d["inputs"]["system"]["name"] == "a\x1bb\x85c"  # JSON escapes them itself; the value is kept
    rc, out, _ = cli(capsys, "check", p)
    assert "a\\u001bb\\u0085c" in out


def test_yaml_output_of_import_reads_back(capsys, tmp_path):
    card = write(
        tmp_path,
        "README.md",
        "---\nco2_eq_emissions:\n  emissions: 5\n  training_type: pre-training\n"
        '  source: "tool\\e[31m"\n---\n',
    )
    rc, out, _ = cli(capsys, "import", "hf-model-card", card)
    assert rc == 0 and "\x1b" not in out
    assert "tool\x1b[31m" in yaml.safe_load(out)["training"]["ghg_location"]["source"]
