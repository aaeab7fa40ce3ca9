"""Issue 13 item 5: `render A B C … -o DIR` renders on every core and writes what one-at-a-time renders
write, byte for byte; a bad input among good ones is named and the others are written; the exit code is
the worst. A single render lays its PDF out in a worker started first thing (same bytes again), and the
CLI imports only the module of the command it runs. Times are `make bench`'s, never asserted here."""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys

import pytest

from reportgen.commands.main import COMMANDS, build_parser, main
from tests.conftest import ROOT, SAMPLES

LLAMA = SAMPLES / "llama-3.1-405b.yaml"
MISTRAL = SAMPLES / "mistral-large-2.yaml"


def cli(*args: str) -> subprocess.CompletedProcess:
    """A fresh process, as a user runs it: the single render then uses its warm PDF worker."""
    return subprocess.run(
        [sys.executable, "-m", "reportgen", *map(str, args)], capture_output=True, text=True, cwd=ROOT
    )


@pytest.fixture(scope="module")
def together(tmp_path_factory):
    """Two good disclosures, an unreadable one between them, and a copy of the first under another
    name (same system and version, so the same file names) rendered in one command, in this process."""
    folder = tmp_path_factory.mktemp("many")
    broken = folder / "broken.yaml"
    broken.write_text("system: [unclosed\n", encoding="utf-8")
    twin = folder / "llama-copy.yaml"
    shutil.copy(LLAMA, twin)
    out = folder / "out"
    argv = ["render", str(LLAMA), str(broken), str(MISTRAL), str(twin), "-o", str(out)]
    return folder, out, main(argv)


def test_many_inputs_write_what_one_at_a_time_renders_write(together, sample_reports):
    _, out, _ = together
    for source in (LLAMA, MISTRAL):
        alone = sample_reports(source.name)  # `render SOURCE` alone, through the CLI (once per run)
        for path in (alone.pdf, alone.xlsx):
            assert (out / path.name).read_bytes() == path.read_bytes(), path.name


def test_a_bad_input_is_named_and_the_others_are_written(together, capsys):
    folder, out, code = together
    assert sorted(p.name for p in out.iterdir()) == [
        "Le-Chat-2407-AILD-D1.1.pdf",
        "Le-Chat-2407-AILD-D1.1.xlsx",
        "Llama-3.1-AILD-D1.1.pdf",
        "Llama-3.1-AILD-D1.1.xlsx",
    ]
    assert code == 2  # the worst: an input that cannot be read


def test_messages_name_each_input_in_the_order_given(tmp_path, capsys):
    broken = tmp_path / "broken.yaml"
    broken.write_text("system: [unclosed\n", encoding="utf-8")
    twin = tmp_path / "llama-copy.yaml"
    shutil.copy(LLAMA, twin)
    code = main(["render", str(LLAMA), str(broken), str(twin), "-o", str(tmp_path / "o"), "--format", "xlsx"])
    err = capsys.readouterr().err
    assert code == 2
    lines = [line for line in err.splitlines() if line.startswith(("wrote", "reportgen:"))]
    assert lines[0].startswith("wrote") and lines[0].endswith("Llama-3.1-AILD-D1.1.xlsx")
    assert lines[1].startswith(f"reportgen: {broken}") and "not valid YAML" in lines[1]
    assert lines[2].startswith(f"reportgen: {twin}: has the same system name and version as {LLAMA}")
    assert len(lines) == 3


def test_exit_code_is_the_worst_of_complete_and_incomplete(tmp_path, capsys):
    acme, llama = SAMPLES / "acme-assistant-7b.yaml", LLAMA
    assert main(["render", str(acme), "-o", str(tmp_path / "a"), "--format", "xlsx"]) == 0
    assert main(["render", str(llama), "-o", str(tmp_path / "l"), "--format", "xlsx"]) == 1
    assert main(["render", str(acme), str(llama), "-o", str(tmp_path / "b"), "--format", "xlsx"]) == 1


def test_baseline_takes_one_input(tmp_path, capsys):
    code = main(["render", str(LLAMA), str(MISTRAL), "--baseline", str(LLAMA), "-o", str(tmp_path)])
    assert code == 2 and "give one INPUT" in capsys.readouterr().err
    assert not tmp_path.joinpath("Llama-3.1-AILD-D1.1.pdf").exists()


def test_single_render_in_a_fresh_process_equals_the_library(tmp_path, sample_reports):
    """The CLI lays the PDF out in its worker process, started first thing: the same bytes as the run's
    render of the sample (`sample_reports`, which test_render_pdf compares with the library's write_pdf)."""
    proc = cli("render", LLAMA, "-o", tmp_path, "--format", "pdf")
    assert proc.returncode == 1, proc.stderr
    assert (tmp_path / "Llama-3.1-AILD-D1.1.pdf").read_bytes() == sample_reports(LLAMA.name).pdf_bytes


def test_an_unreadable_input_fails_at_once_without_waiting_for_the_worker(tmp_path):
    proc = cli("render", tmp_path / "missing.yaml", "-o", tmp_path)
    assert proc.returncode == 2 and "no such file" in proc.stderr and "Traceback" not in proc.stderr


def names(parser: argparse.ArgumentParser) -> list[str]:
    return [n for a in parser._actions if isinstance(a, argparse._SubParsersAction) for n in a.choices]


def test_the_command_map_names_every_command_in_help_order():
    assert names(build_parser()) == list(COMMANDS)
    for command, module in COMMANDS.items():
        assert set(names(build_parser([command, "--help"]))) == {
            c for c, m in COMMANDS.items() if m == module
        }


def test_render_loads_no_other_command_nor_weasyprint_to_parse_its_line():
    code = (
        "import sys; from reportgen.commands.main import build_parser; "
        "build_parser(['render', 'a.yaml']).parse_args(['render', 'a.yaml']); "
        "print(sorted(m for m in ('weasyprint', 'cryptography', 'starlette', 'reportgen.commands.serve', "
        "'reportgen.evaluation.pipeline') if m in sys.modules))"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT)
    assert proc.stdout.strip() == "[]", proc.stdout + proc.stderr
