"""A consistent command line (issue 11, items 5 and 6): one meaning per option across commands, the version
read from the package metadata, and `--help`/`--version` that work even when the standard is broken."""

from __future__ import annotations

import argparse
import json
import shutil
import tomllib
from importlib import metadata

import pytest
from conftest import ROOT, SAMPLES

import reportgen.standard as standard_module
import reportgen.standard.editions as editions_module
from reportgen.commands import StandardChoice
from reportgen.commands.main import build_parser, main

ACME = SAMPLES / "acme-assistant-7b.yaml"


def cli(capsys, *argv: object) -> tuple[int, str, str]:
    try:
        code = main([str(a) for a in argv])
    except SystemExit as exc:  # argparse: --help, --version, bad command line
        code = int(exc.code or 0)
    out = capsys.readouterr()
    return code, out.out, out.err


def subparsers(parser: argparse.ArgumentParser, prefix: str = "") -> dict[str, argparse.ArgumentParser]:
    """Every leaf command of the CLI by its full name (`export hf-model-card`)."""
    found: dict[str, argparse.ArgumentParser] = {}
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, sub in action.choices.items():
                inner = subparsers(sub, f"{prefix}{name} ")
                found.update(inner or {f"{prefix}{name}": sub})
    return found


def option(parser: argparse.ArgumentParser, flag: str) -> argparse.Action | None:
    return next((a for a in parser._actions if flag in a.option_strings), None)


COMMANDS = subparsers(build_parser())


# --- version --------------------------------------------------------------------------------------------


def test_version_comes_from_the_package_metadata_whose_source_is_pyproject(capsys):
    with (ROOT / "pyproject.toml").open("rb") as fh:
        declared = tomllib.load(fh)["project"]["version"]
    assert metadata.version("reportgen") == declared
    code, out, _ = cli(capsys, "--version")
    assert code == 0 and out.strip() == f"reportgen {declared}"
    code, out, _ = cli(capsys, "check", ACME, "--format", "json")
    assert json.loads(out)["tool_version"] == declared


def test_the_version_string_is_written_once():
    """No other `__version__ = "..."` or version literal in the package: pyproject.toml is the only source."""
    with (ROOT / "pyproject.toml").open("rb") as fh:
        declared = tomllib.load(fh)["project"]["version"]
    holders = [
        p.relative_to(ROOT)
        for p in (ROOT / "reportgen").rglob("*.py")
        if f'"{declared}"' in p.read_text(encoding="utf-8")
    ]
    assert holders == []


# --- a broken standard ---------------------------------------------------------------------------------


@pytest.fixture
def broken_standard(tmp_path, monkeypatch):
    root = tmp_path / "standard"
    shutil.copytree(ROOT / "standard", root)
    with (root / "aild-d1" / "standard.yaml").open("a", encoding="utf-8") as fh:
        fh.write("phases: [\n")
    monkeypatch.setattr(editions_module, "editions_root", lambda: root)  # where the editions are found
    standard_module.load_standard.cache_clear()
    editions_module.shipped_editions.cache_clear()
    yield root / "aild-d1" / "standard.yaml"
    standard_module.load_standard.cache_clear()
    editions_module.shipped_editions.cache_clear()


def test_help_and_version_work_when_the_standard_is_broken(broken_standard, capsys):
    code, out, err = cli(capsys, "--help")
    assert code == 0 and "usage: reportgen" in out and "Traceback" not in out + err
    code, out, err = cli(capsys, "--version")
    assert code == 0 and out.startswith("reportgen ") and not err
    for name in ("check", "sign", "import codecarbon", "export hf-model-card"):
        code, out, err = cli(capsys, *name.split(), "--help")
        assert code == 0 and "usage:" in out, name


@pytest.mark.parametrize(
    "argv",
    [
        ["check", ACME],
        ["sign", "report.pdf", "--key", "PRIVATE.pem", "--level", "limited"],
        [
            "import",
            "codecarbon",
            ROOT / "tests" / "fixtures" / "codecarbon-3.3.0-emissions.csv",
            "--phase",
            "training",
        ],
    ],
)
def test_a_broken_standard_is_a_message_not_a_traceback(broken_standard, capsys, argv):
    code, out, err = cli(capsys, *argv)
    assert code == 2 and "Traceback" not in out + err
    assert str(broken_standard) in err and "not valid YAML" in err


# --- -o/--output ---------------------------------------------------------------------------------------

FOLDER_COMMANDS = {"render", "keygen", "portfolio"}


def test_output_is_a_file_except_for_commands_that_write_a_folder():
    with_output = {name: option(p, "-o") for name, p in COMMANDS.items() if option(p, "-o")}
    assert set(with_output) >= {
        "render",
        "template",
        "keygen",
        "sign",
        "schema",
        "import codecarbon",
        "import hf-model-card",
        "export eu-ai-act",
        "export hf-model-card",
    }
    for name, action in with_output.items():
        assert "--output" in action.option_strings, name
        if name in FOLDER_COMMANDS:
            assert action.metavar == "DIR" and action.help.startswith("folder"), name
        else:
            assert action.metavar != "DIR" and "file" in action.help and "folder" not in action.help, name
    for name, p in COMMANDS.items():
        if name not in with_output:
            assert option(p, "--output") is None, name


def test_template_takes_o_like_the_others_and_keeps_its_positional_form(tmp_path, capsys):
    assert cli(capsys, "template", "-o", tmp_path / "a.xlsx")[0] == 0
    assert cli(capsys, "template", tmp_path / "b.xlsx")[0] == 0
    assert cli(capsys, "template", tmp_path / "c.xlsx", "--output", tmp_path / "c.xlsx")[0] == 0
    assert all((tmp_path / n).stat().st_size > 10_000 for n in ("a.xlsx", "b.xlsx", "c.xlsx"))
    code, _, err = cli(capsys, "template", tmp_path / "d.xlsx", "-o", tmp_path / "e.xlsx")
    assert code == 2 and "give one" in err and not (tmp_path / "d.xlsx").exists()
    code, _, err = cli(capsys, "template")
    assert code == 2 and "reportgen template -o" in err


def test_render_output_is_a_folder_and_output_dir_still_works(tmp_path, capsys):
    code, _, err = cli(capsys, "render", ACME, "-o", tmp_path / "new" / "folder", "--format", "xlsx")
    assert code == 0 and [p.name for p in (tmp_path / "new" / "folder").iterdir()] == [
        "Acme-Assistant-2.1-AILD-D1.1.xlsx"
    ]
    code, _, _ = cli(capsys, "render", ACME, "--output-dir", tmp_path / "old", "--format", "xlsx")
    assert code == 0 and (tmp_path / "old" / "Acme-Assistant-2.1-AILD-D1.1.xlsx").is_file()


def test_keygen_takes_o_like_render(tmp_path, capsys):
    code, out, _ = cli(capsys, "keygen", "-o", tmp_path / "keys")
    assert code == 0 and sorted(p.name for p in (tmp_path / "keys").iterdir()) == [
        "PRIVATE.pem",
        "PUBLIC.pem",
    ]
    assert cli(capsys, "keygen")[0] == 2


# --- --format, --phase, --level ------------------------------------------------------------------------


def test_format_has_one_meaning_per_command_family():
    formats = {name: option(p, "--format") for name, p in COMMANDS.items() if option(p, "--format")}
    assert set(formats) == {
        "check",
        "verify",
        "standard",
        "compare",
        "scenario",
        "render",
        "export eu-ai-act",
    }
    for name in (
        "check",
        "verify",
        "standard",
        "compare",
        "scenario",
    ):  # commands that print a result: for people or for tools
        assert formats[name].choices == ["text", "json"] and formats[name].default == "text", name
        assert formats[name].help.startswith("text for people"), name
    assert "report files" in formats["render"].help
    assert "document's format" in formats["export eu-ai-act"].help
    assert all(a.help for a in formats.values())


def test_phase_is_one_shared_option_validated_against_data():
    phases = {name: option(p, "--phase") for name, p in COMMANDS.items() if option(p, "--phase")}
    assert set(phases) == {"import codecarbon", "import hf-model-card", "export hf-model-card"}
    for name, action in phases.items():
        assert isinstance(action.type, StandardChoice) and action.metavar == "PHASE", name
    assert isinstance(option(COMMANDS["sign"], "--level").type, StandardChoice)


@pytest.mark.parametrize(
    "argv, allowed",
    [
        (
            [
                "import",
                "codecarbon",
                ROOT / "tests" / "fixtures" / "codecarbon-3.3.0-emissions.csv",
                "--phase",
                "trainig",
            ],
            "data, training, finetuning, inference, storage_network",
        ),
        (
            [
                "import",
                "hf-model-card",
                ROOT / "tests" / "fixtures" / "hf-model-card-README.md",
                "--phase",
                "trainig",
            ],
            "training, finetuning",
        ),
        (["export", "hf-model-card", ACME, "--phase", "trainig"], "training, finetuning"),
    ],
)
def test_a_bad_phase_gets_the_same_message_everywhere(capsys, argv, allowed):
    code, out, err = cli(capsys, *argv)
    assert code == 2 and not out
    assert (
        "argument --phase: 'trainig' is not " in err
        and f"choose one of {allowed}. Did you mean training?" in err
    )


def test_a_bad_level_is_refused_before_any_work(tmp_path, capsys):
    code, _, err = cli(
        capsys, "sign", tmp_path / "missing.pdf", "--key", tmp_path / "missing.pem", "--level", "full"
    )
    assert code == 2 and "'full' is not a verification level of clause 10: choose one of none," in err


# --- schema ----------------------------------------------------------------------------------------------


def test_schema_prints_the_input_schema_by_default_and_the_result_schema_on_request(tmp_path, capsys):
    code, out, _ = cli(capsys, "schema")
    assert code == 0 and json.loads(out)["title"] == "AILD D1.1 disclosure input"
    code, _, _ = cli(capsys, "schema", "--evaluation", "-o", tmp_path / "evaluation.schema.json")
    written = json.loads((tmp_path / "evaluation.schema.json").read_text(encoding="utf-8"))
    assert code == 0 and written["title"].startswith("reportgen evaluation, format ")
    assert {"format_version", "fingerprint", "totals"} <= set(written["properties"])
