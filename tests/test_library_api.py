"""The library API (issue 11, item 7): the README's example runs as written, the three entry points take
the same keyword-only arguments, and `import reportgen` stays light."""

from __future__ import annotations

import inspect
import re
import subprocess
import sys

import pytest
from conftest import ROOT, SAMPLES

import reportgen


def test_the_readme_example_runs(tmp_path, monkeypatch, capsys):
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme[readme.index("## Library API") :]
    code = re.search(r"```python\n(.*?)```", section, re.S).group(1)
    (tmp_path / "samples").symlink_to(SAMPLES)
    monkeypatch.chdir(tmp_path)
    exec(compile(code, "README.md", "exec"), {})
    assert "sha256:" in capsys.readouterr().out
    assert (tmp_path / "acme.xlsx").is_file()


def test_the_three_entry_points_take_the_same_keyword_only_arguments():
    shared = {"lang", "standard"}
    for fn in (reportgen.evaluate, reportgen.evaluate_file, reportgen.evaluate_mapping):
        params = inspect.signature(fn).parameters
        assert shared <= {n for n, p in params.items() if p.kind is p.KEYWORD_ONLY}, fn.__name__
    with pytest.raises(TypeError):
        reportgen.evaluate_file(SAMPLES / "acme-assistant-7b.yaml", "fr")  # lang is keyword-only


def test_evaluate_takes_a_path_or_a_mapping(std):
    a = reportgen.evaluate(SAMPLES / "llama-3.1-405b.yaml", lang="fr")
    b = reportgen.evaluate_file(SAMPLES / "llama-3.1-405b.yaml", lang="fr")
    assert a.fingerprint == b.fingerprint and a.language == "fr"
    tree = {"training": {"energy": "1.287 GWh"}}
    assert (
        reportgen.evaluate(tree, standard=std).fingerprint
        == reportgen.evaluate_mapping(tree, standard=std).fingerprint
    )


def test_importing_reportgen_loads_nothing_heavy():
    code = "import sys, reportgen; print(sorted(m for m in ('pydantic', 'pint', 'babel', 'openpyxl', 'weasyprint') if m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT)
    assert out.stdout.strip() == "[]"
    assert set(reportgen.__all__) <= set(dir(reportgen))
    with pytest.raises(AttributeError):
        reportgen.no_such_name  # noqa: B018
