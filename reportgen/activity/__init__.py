"""Annex D (edition D1.1): figures derived from activity tables — metering, scheduler records, request
logs and hourly grid carbon intensity — with hourly matching of energy and intensity.

`engine.run` is the whole of it as one function (declarations + standard + context → derived values,
findings and report data); the pipeline calls it as clause 8.0. DuckDB is imported only by `scan`, and
only when a disclosure declares tables, so that other disclosures check as fast as before.
"""

from __future__ import annotations

import contextlib
import contextvars
import datetime as dt
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from reportgen.evaluation.context import Context
    from reportgen.evaluation.model import ActivityReport
    from reportgen.inputs import RawInput


# A server reading uploads (`reportgen serve`) opens only tables inside the folder of the disclosure: an
# absolute path or one that climbs out with `..` (or through a link) would read the server's own files.
_CONFINED: contextvars.ContextVar[bool] = contextvars.ContextVar("reportgen_activity_confined", default=False)


@contextlib.contextmanager
def confined() -> Iterator[None]:
    """While the block runs (in this thread), activity tables outside the disclosure's folder are refused
    (E-ACT-1) instead of read."""
    token = _CONFINED.set(True)
    try:
        yield
    finally:
        _CONFINED.reset(token)


def declared(raw: RawInput) -> Any:
    """The `activity` declaration a reader found (D.1), or None."""
    return raw.meta.get("activity")


def apply(raw: RawInput, ctx: Context) -> tuple[ActivityReport | None, list[dict[str, Any]]]:
    """Clause 8.0: derive from the declared tables into `ctx` (never over a supplied or withheld value),
    add the findings, and return the report part and the fingerprint entries (D.5)."""
    from reportgen.activity.engine import Scope, run

    decl = declared(raw)
    if decl is None or ctx.standard.activity is None:
        return None, []
    std = ctx.standard
    by_time = std.calculations.formulas["8.1"]  # whose inputs name each phase's PUE
    scope = Scope(
        base_dir=Path(raw.meta.get("base_dir") or "."),
        status={p: ctx.status(p) for p in std.phase_ids},
        facility=ctx.facility,
        pue={p: v for p in std.phase_ids if (v := ctx.num(by_time.input("pue", p))) is not None},
        period=_period(ctx),
        values=dict(ctx.values),
        lang=ctx.lang,
        confine=_CONFINED.get(),
    )
    outcome, findings = run(decl, std, scope)
    ctx.findings.items.extend(findings)
    for fid, value in outcome.values.items():
        if fid not in ctx.values:
            ctx.values[fid] = value
    return outcome.report, outcome.fingerprint


def _period(ctx: Context) -> tuple[dt.date, dt.date] | None:
    """The reporting period when both dates are given and the end is not before the start (5)."""
    roles = ctx.standard.roles
    start, end = ctx.raw(roles.period_start), ctx.raw(roles.period_end)
    if isinstance(start, dt.date) and isinstance(end, dt.date) and end >= start:
        return start, end
    return None
