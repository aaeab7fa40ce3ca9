"""Read a filled workbook (`reportgen template`) into raw entries keyed by field id (SPEC 4.1, issue 3).

Rows are found by the Field id they carry, anywhere in any sheet that has a "Field id" and a "Value"
header (English or French), and columns by their header text, never by position: people sort, insert
and delete rows, move columns and add their own sheets. Cells are delivered raw, as Excel typed them
(numbers, dates, booleans, text); numbers typed as text go to the core's `parse_number`, which reads
both notations or flags an ambiguous one. Nothing here decides whether a value is valid.

The file is opened by `xlsx_zip`, the one bounded opener of workbooks (size, old/encrypted formats,
macros, zip bombs, malformed XML, a budget of XML tags), so a bad file ends with one sentence that says
what to do, never a traceback. Reading stops, with a warning naming the cell, after MAX_SHEET_ROWS rows of
a sheet or MAX_ROWS in all: a stray cell in row 1,048,576 costs nothing. openpyxl parses XML through
defusedxml, which is installed with reportgen.

A formula whose result was never saved is looked for in a second pass (unsaved_formulas.py); the
`activity` sheet of Annex D has a layout of its own (activity_sheet.py).
"""

from __future__ import annotations

import datetime as dt
import itertools
import re
import zipfile
import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from reportgen.evaluation.model import Location
from reportgen.inputs.raw import RawEntry, RawInput
from reportgen.inputs.xlsx_zip import (
    MAX_FILE_BYTES,
    TagBudget,
    TooManyTags,
    check_container,
    load_checked,
    refuse,
    rows_of,
)
from reportgen.resources import t
from reportgen.standard import Standard, available_editions
from reportgen.workbook.activity_sheet import is_activity_sheet, read_activity_sheet
from reportgen.workbook.layout import (
    COLUMNS,
    EDITION_ROW,
    INPUT_COLUMNS,
    LISTS_SHEET,
    NAME_EDITION,
    NAME_STANDARD,
    PROP_EDITION,
    PROP_STANDARD,
)
from reportgen.workbook.unsaved_formulas import formulas_at, mark_formulas
from reportgen.workbook.xml_text import warn

HEADER_SCAN_ROWS = 50
HEADER_SCAN_COLUMNS = 100
MAX_SHEET_ROWS = 5_000  # rows read per sheet; the longest sheet of a filled template has about 60
MAX_ROWS = 50_000  # rows read in a whole workbook, which has about 250


_ID_LIKE = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z0-9_]+)+$")
_NUMBER_HEAD = re.compile(r"^\s*[-+\u2212]?[\d.,\s\u00a0\u202f'_]*\d(?:[eE][-+]?\d+)?")


def _norm(text: Any) -> str:
    """Header text compared loosely: case, spaces and a trailing `*` or `:` do not matter."""
    return re.sub(r"\s+", " ", str(text)).strip().rstrip("*:").strip().casefold()


def header_names() -> dict[str, str]:
    """Every accepted header text (en, fr, and the key itself) → column key."""
    out: dict[str, str] = {}
    for key, skey in COLUMNS:
        for lang in ("en", "fr"):
            out[_norm(t(skey, lang))] = key
        out[_norm(key)] = key
    out[_norm("uncertainty_pct")] = "uncertainty"
    return out


def _edition_mark(wb: Any) -> tuple[str | None, str | None]:
    """The standard id and edition the template was generated for, if it says so."""
    props = {p.name: getattr(p, "value", None) for p in getattr(wb, "custom_doc_props", None) or []}
    std_id, edition = props.get(PROP_STANDARD), props.get(PROP_EDITION)
    if edition is None:
        for name, target in ((NAME_STANDARD, "std"), (NAME_EDITION, "ed")):
            dn = wb.defined_names.get(name)
            text = str(dn.attr_text).strip().strip('"') if dn is not None and dn.attr_text else None
            if target == "std":
                std_id = std_id or text
            else:
                edition = text
    return (str(std_id) if std_id else None), (str(edition) if edition else None)


# -- cells ----------------------------------------------------------------------------------------
def _cell_value(cell: Any, column: str) -> Any:
    """A cell as the reporter meant it: midnight datetimes are dates, empty text is nothing."""
    value = getattr(cell, "value", None)
    if isinstance(value, str):
        return value if value.strip() else None
    if isinstance(value, dt.datetime):
        return value.date() if value.time() == dt.time(0) else value
    if column == "uncertainty" and isinstance(value, (int, float)) and not isinstance(value, bool):
        if "%" in str(getattr(cell, "number_format", "") or ""):
            return value * 100  # a cell formatted as 40 % holds 0.4
    return value


def _column(row: tuple[Any, ...], cols: dict[str, int], key: str) -> Any:
    """The value of column `key` in a row read as cells, None when the sheet lacks the column."""
    return _cell_value(row[cols[key]], key) if key in cols and cols[key] < len(row) else None


def _letter(col: int) -> str:
    from openpyxl.utils import get_column_letter

    return get_column_letter(col)


# -- sheets ---------------------------------------------------------------------------------------
def _find_header(rows: list[tuple[Any, ...]], names: dict[str, str]) -> tuple[int, dict[str, int]] | None:
    for r, row in enumerate(rows[:HEADER_SCAN_ROWS]):
        cols: dict[str, int] = {}
        for c, cell in enumerate(row):
            value = getattr(cell, "value", None)
            if isinstance(value, str) and (key := names.get(_norm(value))) and key not in cols:
                cols[key] = c
        if "field_id" in cols and "value" in cols:
            return r, cols
    return None


def _headers(row: tuple[Any, ...], cols: dict[str, int]) -> tuple[dict[str, str], str]:
    """The header text of each column as written, and the workbook's language (that of most headers)."""
    texts = {key: re.sub(r"\s+", " ", str(row[c].value)).strip() for key, c in cols.items()}
    votes = {"en": 0, "fr": 0}
    for key, skey in COLUMNS:
        if key in texts:
            for lang in votes:
                votes[lang] += _norm(texts[key]) == _norm(t(skey, lang))
    return texts, "fr" if votes["fr"] > votes["en"] else "en"


def _entry_value(fid: str, cells: dict[str, Any], std: Standard) -> Any:
    """The raw value of one row, shaped as the YAML form of SPEC 4.2/4.3 would have it.

    Drop-down labels (Measured, Mesuré, Confidential...) are passed as typed: values.py reads an
    enumeration's code or its label, for the workbook and YAML alike."""
    value, withheld = cells.get("value"), cells.get("withheld")
    if withheld is not None:
        out: dict[str, Any] = {"withheld": withheld}
        if cells.get("note") is not None:
            out["note"] = cells["note"]
        if value is not None:
            out["value"] = value  # both given: the core reports the contradiction
        return out
    meta = {
        "unit": cells.get("unit"),
        "method": cells.get("method"),
        "source": cells.get("source"),
        "uncertainty_pct": cells.get("uncertainty"),
        "note": cells.get("note"),
    }
    meta = {k: v for k, v in meta.items() if v is not None}
    f = std.fields.get(fid)
    typed_unit = _NUMBER_HEAD.sub("", value).strip() if isinstance(value, str) else ""
    if (
        f is not None
        and f.unit is not None
        and typed_unit
        and str(meta.get("unit", "")).strip() == typed_unit
    ):
        del meta["unit"]  # "433 MWh" in Value and MWh in Unit say the same; any other Unit contradicts it
    if (f is not None and f.type == "quantity") or meta:
        return {"value": value, **meta}
    return value


def read_workbook(path: str | Path, std: Standard) -> RawInput:
    """Read a filled workbook. Raises InputError for a file that is not a readable .xlsx template."""
    from reportgen.inputs.tree import read_bytes

    p = Path(path)
    data = read_bytes(p, MAX_FILE_BYTES)
    try:
        return _read_workbook(p, data, std)
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError) as exc:
        # zip members are read lazily (read-only mode): a damaged one only shows up while reading
        raise refuse(
            p,
            f"the workbook is damaged ({type(exc).__name__}: {str(exc)[:120]}). Open it in "
            "Excel or LibreOffice and save it again as .xlsx.",
        ) from None


def _read_workbook(p: Path, data: bytes, std: Standard) -> RawInput:
    archive = check_container(p, data)
    tags = TagBudget(p)  # one budget for both passes
    wb = load_checked(p, data, data_only=True, budget=tags)
    try:
        std_id, edition = _edition_mark(wb)
        made_for = f"{std_id or std.id} {edition}"
        if edition is not None and made_for not in available_editions():
            # The `standard` row names the edition (A1); the mark only says which layout was generated.
            raise refuse(
                p,
                f"this workbook was made for {made_for}, which this version of reportgen does not "
                f"know (it knows {', '.join(available_editions())}). Generate a new workbook "
                "with `reportgen template` and copy your values into it.",
            )
        raw = RawInput(
            source=p.name, kind="xlsx", meta={"standard": std_id, "edition": edition, "sheets": []}
        )
        pending: list[tuple[str, str, int, int]] = []  # (field, sheet, row, col) of empty value cells
        _read_sheets(wb, p, std, raw, pending)
        members = {ws.title: getattr(ws, "_worksheet_path", "") for ws in wb.worksheets}
    finally:
        wb.close()
    if not raw.meta["sheets"]:
        raise refuse(
            p,
            f"no sheet has a “{t('col_field', 'en')}” column next to a “{t('col_value', 'en')}” "
            "column, so no value can be found. Restore the header row (or the deleted column) "
            "from a fresh `reportgen template`, or copy your values into one.",
        )
    by_sheet: dict[str, set[str]] = {}
    for _, sheet, row, col in pending:
        by_sheet.setdefault(sheet, set()).add(f"{_letter(col)}{row}")
    if any(formulas_at(archive, members.get(sheet, ""), cells) for sheet, cells in by_sheet.items()):
        try:
            mark_formulas(p, data, raw, pending, tags)
        except TooManyTags as exc:  # the values were read: say what was not done rather than refuse
            warn(
                f"{p.name}: formulas without a saved result were not looked for: the workbook holds more "
                f"than {exc.limit:,} XML tags. Open it in Excel or LibreOffice and save it again."
            )
    return raw


class _RowBudget:
    """Rows read per sheet (MAX_SHEET_ROWS) and per workbook (MAX_ROWS): stray cells far down, or
    thousands of sheets, cost a bounded time. A stop is said on stderr, with where it happened."""

    def __init__(self, p: Path) -> None:
        self.p, self.left, self.stopped = p, MAX_ROWS, False

    def rows(self, ws: Any) -> Iterator[tuple[Any, ...]]:
        """The rows of `ws`, from row 1, HEADER_SCAN_COLUMNS wide, until a bound is reached."""
        r = 0
        try:
            for r, row in enumerate(rows_of(self.p, ws, max_col=HEADER_SCAN_COLUMNS), start=1):
                if r > MAX_SHEET_ROWS:
                    self._warn(f"{ws.title}!A{r}", f"this sheet has more than {MAX_SHEET_ROWS:,} rows")
                    return
                if self.left <= 0:
                    self.stopped = True
                    self._warn(f"{ws.title}!A{r}", f"the workbook has more than {MAX_ROWS:,} rows")
                    return
                self.left -= 1
                yield row
        except TooManyTags as exc:
            self.stopped = True
            self._warn(f"{ws.title}!A{r + 1}", f"its sheets hold more than {exc.limit:,} XML tags")

    def _warn(self, where: str, why: str) -> None:
        warn(
            f"{self.p.name}: reading stopped at {where}: {why}, far more than a disclosure workbook "
            "(about 250 rows). The cells from there on are ignored; delete the rows, columns or sheets that "
            "do not belong to the disclosure (Ctrl+End shows the last used cell)."
        )


def _read_sheets(
    wb: Any, p: Path, std: Standard, raw: RawInput, pending: list[tuple[str, str, int, int]]
) -> None:
    names = header_names()
    lower_ids = {fid.lower(): fid for fid in std.fields}
    budget = _RowBudget(p)
    for ws in wb.worksheets:
        if budget.stopped:
            break
        if ws.title == LISTS_SHEET:
            continue
        ws.reset_dimensions()  # some writers store a wrong <dimension>; read every stored row
        stream = budget.rows(ws)
        if is_activity_sheet(ws.title) and std.activity is not None:
            values = (tuple(_cell_value(c, "value") for c in row) for row in stream)
            read_activity_sheet(ws.title, values, p.name, std.activity.declaration.keys, raw)
            continue
        top = list(itertools.islice(stream, HEADER_SCAN_ROWS))
        found = _find_header(top, names)
        if found is None:
            continue  # the Instructions sheet, or a sheet of the user's own: the rest is never parsed
        head, cols = found
        raw.meta["sheets"].append(ws.title)
        if "headers" not in raw.meta:  # findings name the columns as this workbook writes them
            raw.meta["headers"], raw.meta["lang"] = _headers(top[head], cols)
        for r, row in enumerate(itertools.chain(top, stream)):
            if r <= head:
                continue
            ident = _column(row, cols, "field_id")
            if ident is None:
                continue
            ident = str(ident).strip()
            cells = {k: _column(row, cols, k) for k in INPUT_COLUMNS}
            if ident.casefold() == EDITION_ROW:  # A1: the edition, read before any field
                col = cols["value"] if "value" in cols else cols["field_id"]
                if cells["value"] is not None:
                    raw.meta["declared"] = cells["value"]
                raw.meta["declared_at"] = f"{p.name}, {ws.title}!{_letter(col + 1)}{r + 1}"
                continue
            has_input = cells["value"] is not None or cells["withheld"] is not None
            fid = ident if ident in std.fields else lower_ids.get(ident.lower())
            col = cols["withheld"] if cells["value"] is None and "withheld" in cols else cols["value"]
            where = Location(file=p.name, cell=f"{ws.title}!{_letter(col + 1)}{r + 1}", path=fid or ident)
            if fid is None:
                if has_input or _ID_LIKE.match(ident):  # a heading or remark typed in the column is not an id
                    at = Location(
                        file=p.name, cell=f"{ws.title}!{_letter(cols['field_id'] + 1)}{r + 1}", path=ident
                    )
                    raw.unknown.append(RawEntry(ident, cells["value"], at))
                continue
            # every cell of the row by column key: where a fix points (the Note of a withheld value,
            # the Unit of a unit problem), whatever the row holds
            raw.meta.setdefault("cells", {}).setdefault(
                fid, {key: f"{ws.title}!{_letter(c + 1)}{r + 1}" for key, c in cols.items()}
            )
            if not has_input:
                if cells["value"] is None and "value" in cols:
                    pending.append((fid, ws.title, r + 1, cols["value"] + 1))
                    # the cell a missing item is typed into (MissingItem.location)
                    raw.meta.setdefault("empty_cells", {}).setdefault(
                        fid, f"{ws.title}!{_letter(cols['value'] + 1)}{r + 1}"
                    )
                continue
            entry = RawEntry(fid, _entry_value(fid, cells, std), where)
            if fid in raw.entries:
                raw.duplicates.append(entry)
            else:
                raw.entries[fid] = entry
