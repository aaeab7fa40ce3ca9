"""The pipeline: standard → inputs → validation → calculation → one Evaluation object.

This is the library API a notebook calls:

    from reportgen import evaluate_file
    ev = evaluate_file("samples/acme-assistant-7b.yaml")
    ev.status, ev.totals["ghg_location"].value, ev.missing
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from reportgen.evaluation import calculation as calc
from reportgen.evaluation import causes, codes
from reportgen.evaluation import totals as sums_of
from reportgen.evaluation import validation as validate
from reportgen.evaluation.context import Context
from reportgen.evaluation.findings import Findings
from reportgen.evaluation.fingerprint import canonical_tree, fingerprint
from reportgen.evaluation.model import EditionRef, Evaluation, Location, MissingItem
from reportgen.evaluation.values import TypeProblem, ValueParser, parse_all
from reportgen.evaluation.wording import WorkbookWords
from reportgen.inputs import RawInput, from_mapping, read_input
from reportgen.standard import Standard, load_standard
from reportgen.version import __version__


def _language(raw: RawInput, std: Standard, parser: ValueParser, lang: str | None) -> str:
    """The output language: --lang, else the report's language (role `report_language`) when it is
    valid, else English."""
    if lang in ("en", "fr"):
        return lang
    fid = std.roles.report_language
    entry = raw.entries.get(fid)
    try:
        v = parser.entry(std.fields[fid], entry) if entry else None
    except TypeProblem:
        v = None  # reported with the other findings
    return v.value if v is not None and v.origin == "supplied" and v.value in ("en", "fr") else "en"


def evaluate(
    source: str | Path | Mapping[str, Any] | RawInput,
    *,
    lang: str | None = None,
    standard: Standard | None = None,
) -> Evaluation:
    """Evaluate a disclosure file (path), an in-memory tree (mapping) or raw inputs already read.

    The three entry points take the same keyword-only arguments: `lang` (en or fr; default the
    disclosure's `report.language`, else English) and `standard` (an edition imposed; default the one the
    disclosure names, A1). Bad values never raise: they become findings.
    """
    if isinstance(source, RawInput):
        return evaluate_raw(source, lang=lang, standard=standard)
    if isinstance(source, Mapping):
        return evaluate_mapping(dict(source), lang=lang, standard=standard)
    return evaluate_file(source, lang=lang, standard=standard)


def evaluate_raw(raw: RawInput, *, lang: str | None = None, standard: Standard | None = None) -> Evaluation:
    """Evaluate raw inputs against the standard (the pipeline itself)."""
    std = standard or raw.standard or load_standard()
    parser = ValueParser(std)
    language = _language(raw, std, parser, lang)
    findings = Findings(std, language)
    if raw.kind == "xlsx":
        findings.words = WorkbookWords(
            std, raw.meta.get("cells") or {}, raw.meta.get("headers") or {}, raw.meta.get("lang") or language
        )
    if raw.edition_defaulted and std is raw.standard and codes.EDITION_DEFAULTED in std.findings:
        findings.add(codes.EDITION_DEFAULTED)  # A1: no edition named, the latest applied
    parsed = parse_all(raw, std, findings, parser)
    ctx = Context(
        std,
        parsed.values,
        findings,
        rejected=set(parsed.rejected),
        lang=language,
        cells=raw.meta.get("cells") or {},
        kind=raw.kind,
        source=raw.source,
    )
    inputs = canonical_tree(parsed.values)

    validate.boundary_values(ctx, language)
    activity = None
    if "activity" in raw.meta:  # Annex D, clause 8.0: DuckDB is imported only here
        from reportgen import activity as activity_mod

        activity, tables = activity_mod.apply(raw, ctx)
        if tables:
            inputs["activity"] = tables
    calc.apply_formulas(ctx, language)
    if std.semantics.basis:
        sums_of.assign_bases(ctx)
    missing, applicable, satisfied, coverage = validate.obligations(ctx, language)
    missing = _locate_missing(missing, raw)
    validate.run_checks(ctx, language)
    sums = sums_of.totals(ctx)
    validate.published_aggregates(ctx, sums, language)
    share_total = sums.get(std.inference_share_indicator)

    counts = findings.close()  # words the per-code cap summaries; counts include what was left out
    ordered = causes.order(ctx, findings.items, missing)  # root causes first, what follows under them
    complete = not missing and counts["error"] == 0
    return Evaluation(
        standard=EditionRef(id=std.id, edition=std.edition),
        tool_version=__version__,
        source=raw.source,
        language=language,
        status="complete" if complete else "incomplete",
        completeness=satisfied / applicable if applicable else 1.0,
        mandatory_applicable=applicable,
        mandatory_satisfied=satisfied,
        recommended_coverage=coverage,
        self_declared=ctx.raw(std.roles.verification_level) in (None, *std.self_declared_levels),
        fingerprint=fingerprint(std, inputs),
        missing=sorted(m.field for m in missing),
        missing_items=missing,
        findings=ordered,
        counts=counts,
        boundary={p: ctx.status(p) for p in std.phase_ids},
        values={fid: ctx.values[fid] for fid in std.fields if fid in ctx.values},
        totals=sums,
        functional_units=sums_of.functional_units(ctx).model_copy(
            update={"published": sums_of.published_per_unit(ctx)}
        ),
        inference_share=sums_of.inference_share(ctx, sums),
        inference_share_partial=share_total.partial if std.semantics.partial_shares and share_total else None,
        data_quality=sums_of.quality_shares(ctx, sums),
        inputs=inputs,
        rejected={k: _jsonable(v) for k, v in parsed.rejected.items()},
        activity=activity,
    )


def _locate_missing(missing: list[MissingItem], raw: RawInput) -> list[MissingItem]:
    """A missing item of a workbook names the empty Value cell of its row, where the analyst types it."""
    cells = raw.meta.get("empty_cells") or {}
    return [
        m.model_copy(update={"location": Location(file=raw.source, cell=cells[m.field], path=m.field)})
        if m.field in cells
        else m
        for m in missing
    ]


def _jsonable(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_jsonable(v) for v in value]
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    return value


def evaluate_file(
    path: str | Path, *, lang: str | None = None, standard: Standard | None = None
) -> Evaluation:
    """Evaluate a file under the edition it names (A1), or under `standard` when one is imposed."""
    raw = read_input(path, standard)
    return evaluate_raw(raw, lang=lang, standard=raw.standard)


def evaluate_mapping(
    data: dict[str, Any],
    *,
    lang: str | None = None,
    standard: Standard | None = None,
    source: str = "<mapping>",
    base_dir: str | Path | None = None,
) -> Evaluation:
    """Evaluate an in-memory tree under the edition it names (A1), or under `standard` when imposed.
    `source` names it in findings; activity table paths (Annex D) are relative to `base_dir`."""
    raw = from_mapping(data, standard, source, base_dir=base_dir)
    return evaluate_raw(raw, lang=lang, standard=raw.standard)
