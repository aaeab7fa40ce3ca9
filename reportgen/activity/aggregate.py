"""D.3 in SQL over the checked groups of every table: counted parts, hours, matching, sums per phase.

Every statement here runs on the grouped tables `r<no>` (a few thousand rows for hourly data), and the
spreading and matching are the statements of `sql/hourly.sql`, so that what reportgen computes and what
a warehouse team runs are one text.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from reportgen.activity.scan import US_PER_HOUR, lit
from reportgen.activity.spec import ActivitySpec
from reportgen.activity.sums import Aggregates, PhaseSums, Scope, TableResult, statements
from reportgen.evaluation import codes
from reportgen.evaluation.findings import Findings
from reportgen.evaluation.model import Location
from reportgen.standard import Standard

_EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)


def _ts(us: str) -> str:
    return f"CAST(make_timestamp({us}) AS TIMESTAMPTZ)"


def _when(us: int) -> dt.datetime:
    return _EPOCH + dt.timedelta(microseconds=int(us))


def aggregate(
    con: Any,
    tables: list[TableResult],
    loaded: dict[int, Any],
    spec: ActivitySpec,
    standard: Standard,
    scope: Scope,
    findings: Findings,
) -> Aggregates:
    included = [p for p in standard.phase_ids if scope.included(p)]
    p0 = p1 = "NULL"
    if scope.period:
        p0 = str(
            int((dt.datetime.combine(scope.period[0], dt.time(), dt.UTC) - _EPOCH).total_seconds())
            * 1_000_000
        )
        p1 = str(
            int(
                (
                    dt.datetime.combine(scope.period[1] + dt.timedelta(days=1), dt.time(), dt.UTC) - _EPOCH
                ).total_seconds()
            )
            * 1_000_000
        )
    inc = ", ".join(lit(p) for p in included) or "NULL"
    by_no = {t.decl.no: t for t in tables}
    activity = [t for t in tables if t.decl.table != "grid_intensity"]
    for t in activity:
        no, derives = t.decl.no, t.kind.derives
        for (phase,) in con.execute(
            f"SELECT DISTINCT phase FROM r{no} WHERE err IS NULL AND nok > 0 ORDER BY phase"
        ).fetchall():
            status = scope.status.get(phase)
            if status is not None and status != "included":  # a missing status: M-REQ says so (reading 4)
                findings.add(
                    codes.OUTSIDE_BOUNDARY,
                    f"{phase}.{derives}",
                    Location(file=t.decl.path),
                    phase=phase,
                    status=status,
                )
        clip = f"(phase = 'inference' AND {p0} IS NOT NULL)"
        con.execute(
            f"CREATE OR REPLACE TEMP TABLE c{no} AS SELECT {no} AS tbl, *, "
            f"CASE WHEN {clip} THEN greatest(s_us, {p0}) ELSE s_us END AS cs_us, "
            f"CASE WHEN {clip} THEN least(e_us, {p1}) ELSE e_us END AS ce_us "
            f"FROM r{no} WHERE err IS NULL AND nok > 0 AND phase IN ({inc})"
        )
        wholly, partly, counted, first, last = con.execute(
            f"SELECT coalesce(sum(nok) FILTER (WHERE ce_us <= cs_us), 0), "
            f"coalesce(sum(nok) FILTER (WHERE ce_us > cs_us AND (cs_us > s_us OR ce_us < e_us)), 0), "
            f"coalesce(sum(nok) FILTER (WHERE ce_us > cs_us), 0), min(cs_us) FILTER (WHERE ce_us > cs_us), "
            f"max(ce_us) FILTER (WHERE ce_us > cs_us) FROM c{no}"
        ).fetchone()
        t.counted = int(counted)
        t.period = (_when(first), _when(last)) if first is not None and last is not None else None
        if wholly or partly:
            findings.add(
                codes.ACTIVITY_OUTSIDE_PERIOD,
                None,
                Location(file=t.decl.path),
                ref=t.decl.ref,
                wholly=int(wholly),
                partly=int(partly),
                start=scope.period[0].isoformat() if scope.period else "",
                end=scope.period[1].isoformat() if scope.period else "",
            )
    phases: dict[str, PhaseSums] = {p: PhaseSums() for p in included}
    _usage(con, [t for t in activity if t.decl.table == "accelerator_usage"], phases)
    _requests(con, [t for t in activity if t.decl.table == "requests"], phases)
    with_energy = _phases_with_energy_rows(con, [t for t in activity if t.decl.table == "energy"])
    _spread(con, activity, phases, with_energy, scope)
    grid = [t for t in tables if t.decl.table == "grid_intensity"]
    _grid(con, grid, findings)
    _match(con, bool(grid), phases, by_no)
    monthly = [
        {"phase": p, "month": m, "energy_kwh": e, "ghg_kg": g, "average_ghg_kg": a}
        for p, m, e, g, a in con.execute(
            "SELECT m.phase, strftime(m.start, '%Y-%m'), sum(m.energy_kwh), sum(m.ghg_kg), "
            "sum(m.energy_kwh * za.ai) FILTER (WHERE m.intensity IS NOT NULL) / 1000 FROM matched AS m "
            "LEFT JOIN zone_average AS za ON za.phase = m.phase AND za.zone = m.match_zone GROUP BY ALL "
            "ORDER BY 1, 2"
        ).fetchall()
    ]
    return Aggregates(tables=tables, phases=phases, grid_read=bool(grid), grid_tables=grid, monthly=monthly)


def _usage(con: Any, usage: list[TableResult], phases: dict[str, PhaseSums]) -> None:
    for t in usage:
        for phase, hours, rows, powered in con.execute(
            f"SELECT phase, sum(sum_accelerators * (ce_us - cs_us) / {US_PER_HOUR}), sum(nok), "
            f"sum(cnt_avg_power_w) FROM c{t.decl.no} WHERE ce_us > cs_us GROUP BY phase"
        ).fetchall():
            ps = phases[phase]
            ps.accelerator_hours = (ps.accelerator_hours or 0.0) + float(hours)
            ps.usage_rows += int(rows)
            ps.usage_tables.append(t.decl.no)
            ps.unpowered_rows += int(rows) - int(powered or 0)


def _requests(con: Any, reqs: list[TableResult], phases: dict[str, PhaseSums]) -> None:
    if "inference" not in phases:
        return
    ps = phases["inference"]
    for t in reqs:
        row = con.execute(
            f"SELECT sum(nok), sum(sum_requests * f), sum(sum_input_tokens * f), sum(sum_output_tokens * f), "
            f"sum(cnt_input_tokens), sum(cnt_output_tokens) FROM (SELECT *, (ce_us - cs_us)::DOUBLE / (e_us - s_us) "
            f"AS f FROM c{t.decl.no} WHERE ce_us > cs_us)"
        ).fetchone()
        rows = int(row[0] or 0)
        if not rows:
            continue
        ps.request_rows += rows
        ps.request_tables.append(t.decl.no)
        for key, value, present in (
            ("requests", row[1], rows),
            ("input_tokens", row[2], row[4]),
            ("output_tokens", row[3], row[5]),
        ):
            complete = int(present or 0) == rows and value is not None
            prior = ps.requests.get(key, 0.0)
            ps.requests[key] = None if (prior is None or not complete) else prior + float(value)


def _phases_with_energy_rows(con: Any, energy: list[TableResult]) -> set[str]:
    out: set[str] = set()
    for t in energy:
        out |= {
            p
            for (p,) in con.execute(
                f"SELECT DISTINCT phase FROM r{t.decl.no} WHERE err IS NULL AND nok > 0"
            ).fetchall()
        }
    return out


def _spread(
    con: Any, activity: list[TableResult], phases: dict[str, PhaseSums], with_energy: set[str], scope: Scope
) -> None:
    """hourly_energy: the counted energy of every energy table, and of accelerator_usage tables for the
    phases with no energy row at all whose every counted usage row has avg_power_w (D.3)."""
    con.execute(
        "CREATE OR REPLACE TEMP TABLE hourly_energy (tbl INTEGER, phase VARCHAR, zone VARCHAR, "
        'start TIMESTAMPTZ, "end" TIMESTAMPTZ, energy_kwh DOUBLE, rows HUGEINT)'
    )
    powered = [
        p
        for p, s in phases.items()
        if p not in with_energy
        and s.usage_rows
        and not s.unpowered_rows
        and (not scope.facility or p in scope.pue)
    ]
    for t in activity:
        no = t.decl.no
        if t.decl.table == "energy":
            energy = "sum_energy_kwh"
            where = ""
        elif t.decl.table == "accelerator_usage" and powered:
            pue = (
                "CASE phase "
                + " ".join(f"WHEN {lit(p)} THEN {scope.pue[p]!r}" for p in powered if p in scope.pue)
                + " ELSE 1.0 END"
                if scope.facility
                else "1.0"
            )
            energy = f"sum_acc_w * (e_us - s_us) / {US_PER_HOUR} / 1000.0 * {pue}"
            where = f"WHERE phase IN ({', '.join(lit(p) for p in powered)})"
        else:
            continue
        con.execute(
            f"CREATE OR REPLACE TEMP VIEW activity_rows AS SELECT phase, zone, {_ts('s_us')} AS start_utc, "
            f"{_ts('e_us')} AS end_utc, {_ts('cs_us')} AS counted_start, {_ts('ce_us')} AS counted_end, "
            f"{energy} AS energy_kwh, nok AS rows FROM c{no} {where}"
        )
        con.execute(f"INSERT INTO hourly_energy SELECT {no}, * FROM ({statements()['spread']})")
        for phase, _kwh, rows in con.execute(
            "SELECT phase, sum(energy_kwh), sum(rows) FROM activity_rows WHERE counted_end > counted_start "
            "GROUP BY phase"
        ).fetchall():
            ps = phases[phase]
            ps.energy_tables.append(no)
            ps.energy_rows += int(rows)
            ps.energy_from_power = t.decl.table == "accelerator_usage"
    for phase, kwh in con.execute(
        "SELECT phase, sum(energy_kwh) FROM hourly_energy GROUP BY phase"
    ).fetchall():
        phases[phase].energy = float(kwh)


def _grid(con: Any, grid: list[TableResult], findings: Findings) -> None:
    """grid_hourly from every grid table read, and W-ACT-4 for intensities repeating an earlier (zone, hour)."""
    union = (
        " UNION ALL ".join(
            f"SELECT {t.decl.no} AS tbl, zone, s_us, {_ts('s_us')} AS datetime, "
            f"sum_intensity_gco2e_per_kwh / cnt_intensity_gco2e_per_kwh AS intensity, cnt_intensity_gco2e_per_kwh AS rows "
            f"FROM r{t.decl.no} WHERE err IS NULL AND nok > 0"
            for t in grid
        )
        or "SELECT NULL::INTEGER AS tbl, NULL::VARCHAR AS zone, NULL::BIGINT AS s_us, NULL::TIMESTAMPTZ AS datetime, "
        "NULL::DOUBLE AS intensity, 0::BIGINT AS rows WHERE false"
    )
    con.execute(f"CREATE OR REPLACE TEMP VIEW grid_rows AS {union}")
    con.execute(f"CREATE OR REPLACE TEMP TABLE grid_hourly AS {statements()['grid_hourly']}")
    repeats = dict(
        con.execute(
            "WITH k AS (SELECT tbl, zone, s_us, sum(rows) AS n FROM grid_rows GROUP BY ALL), "
            "f AS (SELECT zone, s_us, min(tbl) AS first FROM k GROUP BY ALL) "
            "SELECT k.tbl, sum(k.n - CASE WHEN k.tbl = f.first THEN 1 ELSE 0 END) FROM k JOIN f USING (zone, s_us) "
            "GROUP BY k.tbl"
        ).fetchall()
    )
    for t in grid:
        n = int(repeats.get(t.decl.no) or 0)
        if n:
            findings.add(
                codes.ACTIVITY_REPEATED_KEY,
                None,
                Location(file=t.decl.path),
                variant="grid",
                ref=t.decl.ref,
                count=n,
                key="zone, datetime",
            )


def _match(con: Any, grid_read: bool, phases: dict[str, PhaseSums], by_no: dict[int, TableResult]) -> None:
    con.execute(f"CREATE OR REPLACE TEMP TABLE matched AS {statements()['match']}")
    # I-ACT-5: each zone's mean intensity over the clock hours from the phase's first to its last hour
    # with energy (the period-average intensity), used per phase and per month
    con.execute(
        "CREATE OR REPLACE TEMP TABLE zone_average AS WITH w AS (SELECT phase, min(start) AS f, max(start) AS l "
        "FROM matched WHERE energy_kwh > 0 GROUP BY phase) SELECT w.phase, g.zone, avg(g.intensity) AS ai "
        "FROM w JOIN grid_hourly AS g ON g.hour >= w.f AND g.hour <= w.l GROUP BY ALL"
    )
    if not grid_read:
        return
    for phase, matched_e, ghg, zones in con.execute(
        "SELECT phase, coalesce(sum(energy_kwh) FILTER (WHERE intensity IS NOT NULL), 0), coalesce(sum(ghg_kg), 0), "
        "string_agg(DISTINCT coalesce(match_zone, '—'), ', ' ORDER BY coalesce(match_zone, '—')) FILTER (WHERE intensity IS NULL) "
        "FROM matched GROUP BY phase"
    ).fetchall():
        ps = phases[phase]
        ps.matched_energy, ps.matched_ghg = float(matched_e), float(ghg)
        ps.unmatched_zones = zones.split(", ") if zones else []
    for phase, avg_ghg in con.execute(
        "SELECT m.phase, sum(m.energy_kwh * za.ai) / 1000 FROM matched AS m JOIN zone_average AS za "
        "ON za.phase = m.phase AND za.zone = m.match_zone WHERE m.intensity IS NOT NULL GROUP BY m.phase"
    ).fetchall():
        phases[phase].average_ghg_matched = float(avg_ghg)
    for tbl, share in con.execute(
        "SELECT tbl, sum(energy_kwh) FILTER (WHERE intensity IS NOT NULL) / sum(energy_kwh) FROM matched "
        "GROUP BY tbl HAVING sum(energy_kwh) > 0"
    ).fetchall():
        by_no[tbl].matched_share = float(share or 0.0)
