"""The layout contract of the fill-in workbook: what the template writer lays out and the reader finds.

Both sides import it, so a column or marker renamed here changes both at once."""

from __future__ import annotations

# Column key → key of its header text in templates/strings*.yaml. The template writes them in this
# order; the reader finds them by text, in either language.
COLUMNS: list[tuple[str, str]] = [
    ("field_id", "col_field"),
    ("obligation", "col_obligation"),
    ("label", "col_label"),
    ("value", "col_value"),
    ("unit", "col_unit"),
    ("method", "col_method"),
    ("source", "col_source"),
    ("uncertainty", "col_uncertainty"),
    ("withheld", "wb_col_withheld"),
    ("note", "wb_col_note"),
    ("details", "wb_col_details"),
    ("status", "wb_col_status"),  # a formula: missing, or calculated by reportgen (workbook/live.py)
]
# Hidden formula cells after the visible columns, one per question of the live status (workbook/live.py);
# their header is the key itself, never read as input.
HELPER_COLUMNS = ["state", "code", "der", "num", "avail", "sat", "mand"]
INPUT_COLUMNS = ["value", "unit", "method", "source", "uncertainty", "withheld", "note"]
# Where the template records the standard it was made for (custom document properties and names).
PROP_STANDARD = "reportgen.standard"
PROP_EDITION = "reportgen.edition"
NAME_STANDARD = "rg_standard"
NAME_EDITION = "rg_edition"
LISTS_SHEET = "Lists"
EDITION_ROW = "standard"  # A1: the row whose value names the edition (inputs.EDITION_KEY)
