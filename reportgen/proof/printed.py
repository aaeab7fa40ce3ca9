"""What a reader of the report sees: the printed figures of a PDF page or workbook cells, checked
against the re-evaluation (issue 6, check (a) and (b) "as printed"). Split from verify.py, which reads
reports and checks the embedded data."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from typing import Any

from reportgen.evaluation.model import Evaluation
from reportgen.presentation import fmt
from reportgen.proof.checks import Check, Difference, ReportData
from reportgen.proof.checks import close as _close
from reportgen.resources import t
from reportgen.standard import Standard


def _squash(text: str) -> str:
    """Text reduced to what survives PDF extraction, applied alike to the page and to the expected text.

    NFKC (ligatures, superscripts, U+202F); words hyphenated at a line end come back as `loca‐` + newline
    + `tion` (U+2010 or soft hyphen) and are joined; control and format characters (NULs of a mis-read
    font, zero-width spaces that let field ids wrap) are dropped; so is all whitespace, which extraction
    breaks and inserts unpredictably.
    """
    text = re.sub("[\u2010\u00ad]\\s+", "", unicodedata.normalize("NFKC", text))
    return "".join(c for c in text if not c.isspace() and unicodedata.category(c) not in ("Cc", "Cf"))


_END = r"(?![0-9.,])"  # a number ends here: "256" must not match the start of "2560" or "256.5"


def pdf_printed_checks(text: str, std: Standard, reeval: Evaluation, expected_fp: str) -> list[Check]:
    """(a) and (b) on the page: the figures the re-evaluation gives, formatted by the PDF's own view code."""
    from reportgen.presentation.view import build_view

    view = build_view(reeval, std)
    flat = _squash(text)
    found = sorted(set(re.findall(r"sha256:[0-9a-f]{64}", flat)))
    ok = expected_fp in found
    checks = [
        Check(
            "printed fingerprint",
            ok,
            "the fingerprint printed in the PDF is that of the embedded inputs"
            if ok
            else "the PDF prints another fingerprint than that of its embedded inputs",
            [] if ok else [Difference("printed fingerprint", expected_fp, found)],
        )
    ]

    # The status box prints its label, the status line, then "Completeness:": anchor on both sides so
    # that "Complete" is not found inside "Completeness" of a report that says "Incomplete".
    status = view["status"]["text"]
    pattern = (
        f"(?i:{re.escape(_squash(t('rpt_status', reeval.language)))})"
        + re.escape(_squash(status))
        + re.escape(_squash(t("completeness", reeval.language)))
    )
    ok = re.search(pattern, flat) is not None
    checks.append(
        Check(
            "printed status",
            ok,
            f'the PDF states "{status}"',
            []
            if ok
            else [
                Difference(
                    "status line",
                    status,
                    _after(flat, _squash(t("rpt_status", reeval.language)), ignore_case=True),
                )
            ],
        )
    )
    diffs = []
    table = max(flat.find(_squash(t("rpt_totals_note", reeval.language))), 0)  # the totals table follows
    at = table
    for row in view["totals"]:  # row by row, in order: a row is known by its place, not its label
        expected, pattern = _totals_row(row, std, reeval.language)
        if (m := re.compile(pattern).search(flat, at)) is not None:
            at = m.end()
        else:
            diffs.append(
                Difference(
                    f"printed totals row {row['id']}", expected, _after(flat[table:], _squash(row["label"]))
                )
            )
    checks.append(
        Check(
            "printed totals",
            not diffs,
            f"the {len(view['totals'])} totals printed, with each "
            "phase's value and share, equal the re-evaluation",
            diffs,
        )
    )
    diffs = []
    at_row: dict[str, int] = {}  # the rows of one table are found in their order
    for where, expected, anchor, pattern, table_key in _figures(view, reeval):
        m = re.compile(pattern).search(flat, at_row.get(table_key, 0))
        if m is None:
            diffs.append(Difference(where, expected, _after(flat, anchor)))
        elif table_key:
            at_row[table_key] = m.end()
    checks.append(
        Check(
            "printed values",
            not diffs,
            "every figure printed in the field tables, calculation "
            "traces, functional units and data quality table equals the re-evaluation",
            diffs,
        )
    )
    absent = [m["id"] for m in view["missing"] if _squash(m["id"]) not in flat]
    checks.append(
        Check(
            "printed missing items",
            not absent,
            f"the {len(view['missing'])} missing mandatory "
            "item(s) of the re-evaluation are listed in the PDF",
            [Difference("missing item not printed", fid, "not in the PDF text") for fid in absent],
        )
    )
    return checks


def _totals_row(row: dict[str, Any], std: Standard, lang: str) -> tuple[str, str]:
    """One row of the PDF's totals table: label, [partial flag and note], total, each phase's cell.

    Returns the row as text (for messages) and a pattern for the squashed text: the total then each
    phase's cell, in this order. The label is the edition's wording, which may have changed since the
    report was made (it must verify forever): the caller finds the rows in their order instead.
    """
    total = f"{row['value']} {row['unit']}" if row["has_value"] else row["value"]
    cells = {c["id"]: f"{c['value']} {c['share_text']}" for c in row["phases"]}
    phases = [cells.get(p, t("rpt_dash", lang)) for p in std.phase_ids]
    marks = [t("rpt_partial_flag", lang), row["partial_text"]] if row["partial"] else []
    pattern = re.escape(_squash(total)) + "".join(re.escape(_squash(c)) for c in phases)
    return " ".join([row["label"], *marks, total, *phases]), pattern


def _earlier(fid: str, reeval: Evaluation) -> str | None:
    """A field's figure as reports of reportgen before issue 13 printed it: in the field's canonical unit
    (kWh, kgCO₂e, L) and every number below 10¹² with grouped digits. Those reports must keep verifying;
    the figure must still equal the re-evaluation, only its unit and notation differ."""
    fv = reeval.values.get(fid)
    if fv is None or not isinstance(fv.value, (int, float)) or isinstance(fv.value, bool):
        return None
    x, lang = fv.value, reeval.language
    number = (
        fmt.scientific(x, lang) if x != 0 and (abs(x) >= 1e12 or abs(x) < 1e-6) else fmt.number(x, lang, 4)
    )
    unit = t(f"rpt_unit_{fv.unit}", lang) if fv.unit in ("years", "days") else fmt.pretty_unit(fv.unit)
    return f"{number} {unit}".strip()


def _figures(view: dict[str, Any], reeval: Evaluation) -> Iterator[tuple[str, str, str, str, str]]:
    """Each figure the PDF prints outside the totals table, as (what, expected text, anchor, pattern,
    table): the anchor is what the template prints just before the figure, squashed like the page text,
    for messages. Patterns hold field ids, clauses and numbers, never the edition's labels (a wording fix
    must leave earlier reports verifying); the rows of a `table` are found in their order."""
    lang = reeval.language

    def rows() -> Iterator[dict[str, Any]]:
        for group in view["identification"]["groups"]:
            yield from group["rows"]
        yield from view["boundary"]["rows"]
        for phase in view["phases"]:
            yield from phase["rows"]
        yield from view["methodology"]["rows"]
        yield from view["verification"]["rows"]

    for r in rows():  # item(r) prints "label, field id · obligation", then the value cell
        if r["numeric"]:
            anchor = _squash(f"{r['id']} · {r['obligation']}")
            shown = f"{r['value']} {r['unit']}".strip()
            earlier = _earlier(r["id"], reeval)
            texts = [shown] + ([earlier] if earlier and earlier != shown else [])
            yield (
                f"printed value {r['id']}",
                shown,
                anchor,
                re.escape(anchor) + "(?:" + "|".join(re.escape(_squash(x)) for x in texts) + ")" + _END,
                "",
            )
    # French reports made before issue 13 call a part of the standard "clause", later ones "article"
    clause_words = sorted({_squash(t("clause", lang)), "clause"})
    for tr in view["traces"]:
        anchor = _squash(f"{tr['label']} =")
        yield (
            f"printed calculation of {tr['id']}",
            tr["value"],
            anchor,
            "="
            + re.escape(_squash(tr["value"]))
            + "(?:"
            + "|".join(re.escape(w) for w in clause_words)
            + ")"
            + re.escape(_squash(f"{tr['clause']} {tr['id']}")),
            "",
        )
        for i in tr["inputs"]:
            anchor = _squash(f"{i['label']} {i['id']}")
            yield (
                f"printed input {i['id']} of the calculation of {tr['id']}",
                i["value"],
                anchor,
                re.escape(_squash(i["id"])) + re.escape(_squash(i["value"])) + _END,
                "",
            )
    fu = view["functional_units"]
    for r in fu["rows"]:
        anchor = _squash(r["label"])
        shown = f"{r['per_request']} {r['per_1k']}"
        yield (
            f"printed functional units of {r['label']}",
            shown,
            anchor,
            re.escape(_squash(shown)) + _END,
            "functional units",
        )
    anchor = _squash(t("inference_share", lang))
    yield (
        "printed inference share",
        fu["inference_share"],
        anchor,
        re.escape(anchor) + re.escape(_squash(fu["inference_share"])) + _END,
        "",
    )
    for r in view["methodology"]["data_quality"]["rows"]:
        anchor = _squash(r["label"])
        shown = " ".join(r["cells"])
        yield (
            f"printed data quality of {r['label']}",
            shown,
            anchor,
            re.escape(_squash(shown)) + _END,
            "data quality",
        )
    for e in view["equivalences"]:  # "{total} ≈ {count} × {what}": the numbers, not the words of `what`
        factor = f"{t('rpt_factor', lang)}{t('rpt_colon', lang)}{e['factor']}"
        for text in (e["text"].rpartition("×")[0] + "×", factor):
            yield ("printed equivalence", text, _squash(text)[:12], re.escape(_squash(text)), "")


def _after(flat: str, anchor: str, ignore_case: bool = False, size: int = 90) -> str:
    """What the PDF prints after `anchor` (spaces removed), for a failure message."""
    m = re.search(re.escape(anchor), flat, re.IGNORECASE if ignore_case else 0)
    return f'"{flat[m.end() : m.end() + size]}…" (spaces removed)' if m else "not in the PDF text"


def _sheet(wb: Any, key: str, lang: str) -> Any:
    name = t(key, lang)
    return wb[name] if name in wb.sheetnames else None


def _cell_after(ws: Any, label: str) -> tuple[bool, Any]:
    """Column B of the first row whose column A is `label`: (found, value)."""
    for a, b, *_ in ws.iter_rows(min_col=1, max_col=2, values_only=True):
        if a == label:
            return True, b
    return False, None


def xlsx_printed_checks(wb: Any, std: Standard, reeval: Evaluation, expected_fp: str) -> list[Check]:
    """(a) and (b) in the cells: About fingerprint, Summary status and totals, Disclosure numbers, Missing."""
    from reportgen.presentation.summary import present

    lang = reeval.language
    sheets = {k: _sheet(wb, f"xlsx_sheet_{k}", lang) for k in ("about", "summary", "disclosure", "missing")}
    absent = [t(f"xlsx_sheet_{k}", lang) for k, ws in sheets.items() if ws is None]
    if absent:
        return [
            Check(
                "workbook sheets",
                False,
                "the sheets that show the figures are all present",
                [Difference("sheet", name, "absent") for name in absent],
            )
        ]
    about, summary, disclosure, missing = (sheets[k] for k in ("about", "summary", "disclosure", "missing"))
    _, shown_fp = _cell_after(about, t("fingerprint", lang))
    ok = shown_fp == expected_fp
    checks = [
        Check(
            "printed fingerprint",
            ok,
            f"the fingerprint on the '{about.title}' sheet is that of the embedded inputs",
            [] if ok else [Difference(f"{about.title}!fingerprint", expected_fp, shown_fp)],
        )
    ]
    _, shown_status = _cell_after(summary, t("col_status", lang))
    ok = shown_status == fmt.status_text(reeval)
    checks.append(
        Check(
            "printed status",
            ok,
            f"the '{summary.title}' sheet states \"{fmt.status_text(reeval)}\"",
            [] if ok else [Difference(f"{summary.title}!status", fmt.status_text(reeval), shown_status)],
        )
    )

    # Totals: under the first header row of the summary table (Indicator, Value), one row per indicator
    # (its total in column B), each followed by one row per phase with a value or missing one, in the
    # order of the edition. Rows are known by their place, not their labels: the edition's wording may
    # have changed since the report was made, and it must verify forever.
    pres, diffs = present(reeval, std), []
    rows = list(summary.iter_rows(min_col=1, max_col=2, values_only=True))
    head = (t("col_indicator", lang), t("col_value", lang))
    start = next((i + 1 for i, r in enumerate(rows) if tuple(r[:2]) == head), len(rows))
    expected: list[tuple[str, float | None]] = []
    for name in std.indicators:
        shown, label = pres.total(name), std.indicators[name].label.get(lang)
        if shown is None:
            continue
        unit = std.indicators[name].report_unit
        expected.append((f"{summary.title}!{label} ({unit})", shown.value))
        for p in std.phase_ids:
            if p in shown.by_phase or p in shown.missing_phases:
                where = f"{summary.title}!{label}, {std.group(p).label.get(lang)} ({unit})"
                expected.append((where, shown.by_phase.get(p)))
    for i, (where, want) in enumerate(expected):
        cell = rows[start + i][1] if start + i < len(rows) else "no such row"
        if not _close(cell if isinstance(cell, (int, float)) else None, want) and not (
            want is None and cell in (None, "")
        ):
            diffs.append(Difference(where, want, cell))
    checks.append(
        Check(
            "printed totals",
            not diffs,
            f"the totals and their split by phase on the '{summary.title}' sheet equal the re-evaluation",
            diffs,
        )
    )

    diffs = []
    for _, fid, _, cell in disclosure.iter_rows(min_col=1, max_col=4, min_row=2, values_only=True):
        fv = reeval.values.get(fid) if isinstance(fid, str) else None
        if fv is None:
            continue
        want = fv.value
        if isinstance(want, (int, float)) and not isinstance(want, bool) and not _close(cell, want):
            diffs.append(
                Difference(f"{disclosure.title}!{fid} ({fv.unit or ''})".replace(" ()", ""), want, cell)
            )
    checks.append(
        Check(
            "printed values",
            not diffs,
            f"every number on the '{disclosure.title}' sheet equals the re-evaluation",
            diffs,
        )
    )

    listed = sorted(
        {
            a
            for (a,) in missing.iter_rows(min_col=1, max_col=1, values_only=True)
            if isinstance(a, str) and a in std.fields
        }
    )
    ok = listed == sorted(reeval.missing)
    checks.append(
        Check(
            "printed missing items",
            ok,
            f"the '{missing.title}' sheet lists the "
            f"{len(reeval.missing)} missing mandatory item(s) of the re-evaluation",
            []
            if ok
            else [Difference(f"{missing.title}!{t('col_field', lang)}", sorted(reeval.missing), listed)],
        )
    )
    return checks


def printed_checks(data: ReportData, std: Standard, reeval: Evaluation, expected_fp: str) -> list[Check]:
    if data.kind == "pdf":
        return pdf_printed_checks(data.printed, std, reeval, expected_fp)
    return xlsx_printed_checks(data.printed, std, reeval, expected_fp)
