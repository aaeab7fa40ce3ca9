"""The fill-in workbook of `reportgen template` (issue 3), generated from the encoded standard.

Every row comes from `fields.yaml`: one sheet per group of fields (identification, boundary, one per
phase, methodology and verification), one row per field, with the field's help as the input message of
its Value cell and its condition spelled out. A prefilled workbook (`--from`) carries the supplied and
withheld values of an evaluation, in canonical units, so that reading it back gives the same inputs and
therefore the same fingerprint (clause 10). Derived values are never written: the tool derives them
again from the inputs.

This module plans the sheets and assembles the workbook; a sheet's rows are written by field_sheet.py,
its look is styles.py's, and the Status, Instructions, lists and activity sheets have modules of their own.
"""

from __future__ import annotations

import datetime as dt
import os
import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from openpyxl import Workbook

from reportgen.evaluation.model import FieldValue
from reportgen.output import atomic_write
from reportgen.resources import strings, t
from reportgen.standard import Standard
from reportgen.workbook.activity_sheet import write_activity_sheet
from reportgen.workbook.field_sheet import LETTER, FieldSheetWriter
from reportgen.workbook.lists import Lists, instructions, stamp_edition
from reportgen.workbook.live import LiveFormulas
from reportgen.workbook.status import status_sheet
from reportgen.workbook.styles import add_styles
from reportgen.workbook.xml_text import TextGuard

# Sections that share a sheet; any other section, and every phase, gets a sheet of its own.
SECTION_SHEETS: list[tuple[str, list[str]]] = [
    ("identification", ["report", "organization", "system"]),
    ("boundary", ["boundary"]),
    ("methodology", ["methodology", "verification"]),
    ("published", ["aggregate", "functional_unit"]),  # D1.1 (A6)
]


def sheet_plan(std: Standard) -> list[tuple[str, list[str]]]:
    """(sheet key, groups) in the order of the standard: identification, boundary, phases, the rest."""
    sections = {s.id for s in std.sections}
    plan = [(key, [g for g in groups if g in sections]) for key, groups in SECTION_SHEETS[:2]]
    plan += [(p.id, [p.id]) for p in std.phases]
    plan += [(key, [g for g in groups if g in sections]) for key, groups in SECTION_SHEETS[2:]]
    placed = {g for _, groups in plan for g in groups}
    plan += [(s.id, [s.id]) for s in std.sections if s.id not in placed]
    return [(key, groups) for key, groups in plan if groups]


def sheet_name(key: str, groups: list[str], std: Standard, lang: str) -> str:
    """A short tab name from the strings file, else the group's label cut to Excel's 31 characters."""
    if f"wb_sheet_{key}" in strings():
        name = t(f"wb_sheet_{key}", lang)
    else:
        name = std.group(groups[0]).label.get(lang)
    return re.sub(r"[\[\]:*?/\\]", " ", name)[:31].strip()


def template_workbook(
    std: Standard,
    lang: str = "en",
    values: dict[str, FieldValue] | None = None,
    rejected: dict[str, Any] | None = None,
    source: str | None = None,
    guard: TextGuard | None = None,
    activity: list[dict[str, Any]] | None = None,
) -> Workbook:
    """The workbook for `std` in `lang`, prefilled with supplied/withheld `values` when given, and with
    an `activity` sheet listing `activity` (Annex D tables) when given. Every text cell is written
    through `guard`, which keeps it XML-legal and records what it replaced."""
    values, rejected, guard = values or {}, rejected or {}, guard or TextGuard()
    wb = Workbook()
    ws_status = wb.worksheets[0]  # the one sheet a new workbook has
    ws_status.title = t("wb_sheet_status", lang)
    ws0 = wb.create_sheet(t("wb_sheet_instructions", lang))
    lists = Lists(wb, std, lang)
    add_styles(wb)
    plan = sheet_plan(std)
    names = {key: sheet_name(key, groups, std, lang) for key, groups in plan}
    sheet_of = {f.id: names[key] for key, groups in plan for g in groups for f in std.fields_of(g)}
    writer = FieldSheetWriter(wb, std, lang, lists, guard, LiveFormulas(std, sheet_of, LETTER))
    boundary_sheet = names.get("boundary", "")
    for key, groups in plan:
        ws = wb.create_sheet(names[key], index=len(wb.sheetnames) - 1)  # before the hidden lists
        if len(groups) == 1:
            g = std.group(groups[0])
            title = t("wb_group_title", lang).format(label=g.label.get(lang), clause=g.clause)
        else:
            title = " · ".join(std.group(g).label.get(lang) for g in groups)
        intro = (
            t("wb_phase_intro", lang).format(sheet=boundary_sheet)
            if std.is_phase(groups[0])
            else t("wb_section_intro", lang)
        )
        writer.write(ws, title, intro, groups, values, rejected)
    contents = {
        key: ", ".join(
            f"{std.group(g).label.get(lang)} ({t('clause', lang)} {std.group(g).clause})" for g in groups
        )
        for key, groups in plan
    }
    if activity and std.activity is not None:
        write_activity_sheet(wb, std.activity.declaration.keys, activity, guard)
    instructions(ws0, std, lang, names, contents, source, guard)
    status_sheet(ws_status, std, lang, lists, sheet_of, list(names.values()), LETTER, guard)
    stamp_edition(wb, std)
    wb.properties.creator = "reportgen"
    wb.properties.title = t("wb_title", lang).format(standard=std.id, edition=std.edition)
    wb.properties.language = lang
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch and epoch.isdigit():
        wb.properties.created = dt.datetime.fromtimestamp(int(epoch), dt.UTC).replace(tzinfo=None)
    return wb


def write_template(
    path: Path,
    std: Standard,
    lang: str = "en",
    values: dict[str, FieldValue] | None = None,
    rejected: dict[str, Any] | None = None,
    source: str | None = None,
    protect: Iterable[Path] = (),
    activity: list[dict[str, Any]] | None = None,
) -> Path:
    """Build and save the workbook atomically; never over an input file. Characters a workbook cannot
    hold are written as U+FFFD, and a warning on stderr names their cells."""
    guard = TextGuard()
    wb = template_workbook(std, lang, values, rejected, source, guard, activity)
    written = atomic_write(Path(path), lambda tmp: wb.save(tmp), protect)
    guard.warn(written, source)
    return written
