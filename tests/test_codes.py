"""The finding codes Python raises by name (reportgen/evaluation/codes.py) are codes of the edition's
findings data, with the severity their letter says; the codes of rule kinds come from rules.yaml."""

from __future__ import annotations

import re
from pathlib import Path

from reportgen.evaluation import codes
from reportgen.standard import load_standard

ROOT = Path(__file__).resolve().parents[1]
SEVERITY = {"E": "error", "M": "error", "W": "warning", "I": "info"}
NAMED = {name: code for name, code in vars(codes).items() if name.isupper() and isinstance(code, str)}


def test_every_named_code_is_in_the_findings_data_with_the_severity_of_its_letter():
    d1, d11 = load_standard("D1"), load_standard("D1.1")
    assert len(NAMED) == len(set(NAMED.values())) >= 18
    for name, code in NAMED.items():
        # D1.1 adds the edition and activity codes; every other one is a code of D1 already
        std = d11 if code.startswith(("I-ED-", "E-ACT-", "W-ACT-", "I-ACT-")) else d1
        assert code in std.findings, f"codes.{name} = {code} is not in the findings of {std.name}"
        assert std.findings[code].severity == SEVERITY[code[0]], f"codes.{name} = {code}"


def test_no_finding_code_is_written_in_python_outside_codes_py():
    """A code is either a rule's data (rules.yaml) or one of codes.py's names: never a literal elsewhere."""
    known = set(load_standard("D1.1").findings)
    literal = re.compile(r"""["']([EWIM]-[A-Z]+(?:-[A-Z0-9]+)*)["']""")
    found = [
        f"{p.relative_to(ROOT)}: {m.group(1)}"
        for folder in ("evaluation", "activity", "proof", "workbook")
        for p in sorted((ROOT / "reportgen" / folder).rglob("*.py"))
        if p.name != "codes.py"
        for m in literal.finditer(p.read_text(encoding="utf-8"))
        if m.group(1) in known
    ]
    assert found == []
