"""What an Evaluation declares in a given field, for the outputs that read a few fields by role.

File names, titles, report dates, periods and comparisons read the fields the edition names in its
`roles:` (standard/roles.py) through `standard_of(ev).roles`, never by a field id written in Python, and
read their values here, once, rather than each with its own little getter.
"""

from __future__ import annotations

from typing import Any

from reportgen.evaluation.model import Evaluation
from reportgen.standard import Standard, load_standard


def standard_of(ev: Evaluation) -> Standard:
    """The edition an Evaluation was made under (loaded once per process)."""
    return load_standard(ev.standard.edition, ev.standard.id)


def value_of(ev: Evaluation, fid: str, supplied_only: bool = False) -> Any:
    """The field's value: None when it has none, is empty or withheld (and, with `supplied_only`, when
    reportgen derived it rather than the disclosure giving it)."""
    fv = ev.values.get(fid)
    if fv is None or fv.value in (None, "") or (supplied_only and fv.origin != "supplied"):
        return None
    return fv.value


def text_of(ev: Evaluation, fid: str) -> str | None:
    """The field's value as text, None when it has none."""
    value = value_of(ev, fid)
    return None if value is None else str(value)
