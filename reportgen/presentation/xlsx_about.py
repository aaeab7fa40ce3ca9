"""The About sheet of the Excel disclosure (clause 11 item 9): the standard, edition, tool and fingerprint,
and the canonical data (`disclosure.json`) in cells that a third party reads back to re-check the workbook;
`read_embedded` is that reading, for `reportgen verify`."""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from openpyxl.styles import Alignment

from reportgen.errors import InputError
from reportgen.presentation.xlsx_cells import (
    BOLD,
    TITLE_FONT,
    TOP_WRAP,
    Sheet,
)
from reportgen.presentation.xlsx_sheets import (
    Ctx,
)
from reportgen.proof.payload import ATTACHMENT_NAME, payload_json
from reportgen.version import __version__
from reportgen.workbook.xml_text import json_legal

CHUNK = 30_000  # UTF-16 code units per JSON cell; Excel's limit is 32,767 characters


_ASTRAL = re.compile("[\U00010000-\U0010ffff]")


def about_sheet(s: Sheet, c: Ctx) -> None:
    ev, std = c.ev, c.std
    row = s.title(1, c.t("xlsx_sheet_about"), TITLE_FONT)
    rows: list[tuple[str, Any]] = [
        (c.t("standard"), f"{std.id} — {std.title.get(c.lang)}"),
        (c.t("xlsx_edition"), f"{std.edition} ({std.date})"),
        (c.t("xlsx_tool_version"), ev.tool_version or __version__),
        (c.t("fingerprint"), ev.fingerprint),
        (c.t("xlsx_input_file"), ev.source),
        (c.t("xlsx_language"), c.enum("language", ev.language)),
    ]
    for label, value in rows:
        s.put(row, 1, label, font=BOLD)
        s.put(row, 2, value)
        row += 1
    row = s.title(row + 1, c.t("xlsx_embedded_title"))
    note = s.put(row, 1, c.t("xlsx_embedded_note"), measure=False, align=TOP_WRAP)
    s.ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=2)
    s.ws.row_dimensions[row].height = 75
    note.alignment = TOP_WRAP
    row += 1
    parts = split_utf16(
        json_legal(payload_json(ev, c.baseline)), CHUNK
    )  # escaped, not replaced: it must verify
    s.put(row, 1, ATTACHMENT_NAME, font=BOLD, measure=False)
    s.put(row, 2, c.t("xlsx_parts").format(n=len(parts)), measure=False)
    s.ws.print_area = f"A1:B{row}"  # the JSON rows are data, not something to print
    for part in parts:
        row += 1
        s.put(row, 1, part, measure=False, align=Alignment(vertical="top", wrap_text=False))
        s.ws.row_dimensions[row].height = 15
    s.finish(fixed={1: 34, 2: 78}, landscape=False)


def split_utf16(text: str, limit: int) -> list[str]:
    """Consecutive pieces of `text` of at most `limit` UTF-16 code units (Excel counts those): a character
    beyond U+FFFF counts two. Sliced, not walked character by character: a 10 MB text took 16 s."""
    parts: list[str] = []
    start = 0
    while True:
        piece = text[start : start + limit]
        excess = len(piece) + len(_ASTRAL.findall(piece)) - limit
        end = len(piece)
        while excess > 0:  # drop characters from the end, each frees one or two units
            end -= 1
            excess -= 2 if ord(piece[end]) > 0xFFFF else 1
        piece = piece[:end]
        parts.append(piece)
        start += len(piece)
        if start >= len(text):
            return parts


def read_embedded(path: str | Path) -> dict[str, Any]:
    """The JSON a workbook written by `write_xlsx` carries (embed.payload), reassembled and parsed.

    The file is opened by the one bounded opener of workbooks (inputs.xlsx_zip). Raises InputError with
    a clear message for a file that is not such a workbook."""
    from reportgen.inputs.tree import read_bytes
    from reportgen.inputs.xlsx_zip import MAX_FILE_BYTES, open_workbook

    path = Path(path)
    wb = open_workbook(path, read_bytes(path, MAX_FILE_BYTES, what="a workbook report"))
    try:
        return embedded_in(wb, path)
    finally:
        wb.close()


def embedded_in(wb: Any, path: Path) -> dict[str, Any]:
    """The JSON of an open workbook: from the last sheet back, the first cell of column A holding exactly
    "disclosure.json", joined with the cells below it until the first empty one."""
    from reportgen.inputs.xlsx_zip import rows_of

    for ws in reversed(wb.worksheets):
        column = rows_of(path, ws, min_col=1, max_col=1, values_only=True)
        for (value,) in column:
            if value == ATTACHMENT_NAME:
                text = "".join(str(v) for (v,) in _until_empty(column))
                try:
                    data = json.loads(text)
                except json.JSONDecodeError as exc:
                    raise InputError(
                        f"{path}, sheet '{ws.title}': the JSON under '{ATTACHMENT_NAME}' "
                        f"is damaged ({exc.msg} at character {exc.pos})."
                    ) from None
                except RecursionError:
                    raise InputError(
                        f"{path}, sheet '{ws.title}': the JSON under '{ATTACHMENT_NAME}' is "
                        "nested deeper than any disclosure; reportgen did not write it."
                    ) from None
                if not isinstance(data, dict):
                    raise InputError(f"{path}: the embedded JSON is not an object.")
                return data
    raise InputError(
        f"{path}: no embedded disclosure found (no cell '{ATTACHMENT_NAME}' in column A). "
        "Was this workbook written by `reportgen render --format xlsx`?"
    )


def _until_empty(rows: Iterable[tuple[Any, ...]]) -> Iterable[tuple[Any, ...]]:
    for r in rows:
        if r[0] in (None, ""):
            return
        yield r
