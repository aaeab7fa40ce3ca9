"""One declared table in DuckDB: its grouping pass, its checked groups, its rejected rows, its repeated keys.

After `load`, the temporary table `r<no>` holds one row per distinct raw key of the file with its
normalized phase and zone, its start and end in microseconds UTC (`s_us`, `e_us`), the reason its rows are
rejected (`err`, NULL when the key is good), the number of rows `n`, of rows whose numbers are good `nok`,
and the sums of those numbers (`sum_<column>`, `cnt_<column>` for the rows that give one).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import duckdb

from reportgen.activity.scan import US_PER_HOUR, Progress, Source, lit, norm_text, q, row_checks
from reportgen.activity.spec import Kind


def _one(cursor: duckdb.DuckDBPyConnection) -> tuple[Any, ...]:
    """The row of an aggregate query, which always has one (DuckDB types `fetchone` as optional)."""
    row = cursor.fetchone()
    if row is None:
        raise RuntimeError("an aggregate query returned no row")
    return row


# The raw key cells a kind groups on, by role, and the alias of each in the grouped table.
_KEY_ALIASES = {"phase": "ph", "zone": "zn", "start": "s", "datetime": "s", "end": "e"}


@dataclass
class Loaded:
    """What the grouping pass and its checks found in one table."""

    rows: int = 0
    bad: int = 0
    bad_rows: list[tuple[int, str]] = field(default_factory=list)
    repeated: int = 0


class Table:
    def __init__(
        self,
        con: duckdb.DuckDBPyConnection,
        src: Source,
        kind_name: str,
        kind: Kind,
        declared_phase: str | None,
        allowed_phases: list[str],
        duration_us: int,
    ) -> None:
        self.con, self.src, self.kind_name, self.kind = con, src, kind_name, kind
        self.declared_phase, self.allowed, self.duration_us = declared_phase, allowed_phases, duration_us
        self.name = f"r{src.no}"
        self.listed = 10  # E-ACT-2 lists the first rows (activity.yaml listed_bad_rows)
        self.time_role = "datetime" if "datetime" in kind.columns else "start"
        self.keys = [r for r in ("phase", "zone", self.time_role, "end") if r in kind.columns]
        self.cols, self.ok, self.reason = row_checks(src, kind.numbers, kind.required)
        # the key column beyond phase, zone and start (site, job_id), when the file has it
        extra = [c for c in kind.key if c not in ("phase", "zone", "start", "datetime")]
        self.extra_key = next((c for c in extra if src.roles.get(c) is not None), None)

    def _one(self, sql: str) -> tuple[Any, ...]:
        """The one row of an aggregate query."""
        return _one(self.con.execute(sql))

    # -- the grouping pass ----------------------------------------------------------------------------
    def _row_select(self, extra: str = "") -> str:
        keys = [f"{self.src.cell(r)} AS {_KEY_ALIASES[r]}" for r in self.keys]
        return ", ".join([*keys, *self.cols, f"{self.ok} AS ok", *([extra] if extra else [])])

    def load(self, label: str) -> Loaded:
        sums = []
        for role in self.kind.numbers:
            if self.src.col(role) is None:
                sums += [f"NULL::DOUBLE AS {q('sum_' + role)}", f"0 AS {q('cnt_' + role)}"]
                continue
            v = q("v_" + role)
            sums += [
                f"sum({v}) FILTER (WHERE ok) AS {q('sum_' + role)}",
                f"count({v}) FILTER (WHERE ok) AS {q('cnt_' + role)}",
            ]
        if "avg_power_w" in self.kind.numbers and self.src.col(
            "avg_power_w"
        ):  # energy from power: Σ accelerators × W
            sums.append('sum("v_accelerators" * "v_avg_power_w") FILTER (WHERE ok) AS sum_acc_w')
        extra = ""
        if self.extra_key:  # W-ACT-4 in the same pass: the distinct hashes of the id within each key group
            sums.append("list_unique(list(hash(xk)) FILTER (WHERE ok)) AS dk")
            extra = f"{self.src.cell(self.extra_key)} AS xk"
        aliases = ", ".join(_KEY_ALIASES[r] for r in self.keys)
        sql = (
            f"CREATE OR REPLACE TEMP TABLE g{self.src.no} AS SELECT {aliases}, count(*) AS n, "
            f"count(*) FILTER (WHERE ok) AS nok, {', '.join(sums)} "
            f"FROM (SELECT {self._row_select(extra)} FROM {self.src.relation()}) GROUP BY ALL"
        )
        Progress(self.con, label).run(sql)
        self._normalize()
        rows, bad = self._one(
            f"SELECT coalesce(sum(n), 0), coalesce(sum(CASE WHEN err IS NULL THEN n - nok ELSE n END), 0) "
            f"FROM {self.name}"
        )
        out = Loaded(rows=int(rows), bad=int(bad))
        if out.bad:
            out.bad_rows = self._bad_rows()
        out.repeated = self._repeated(out.bad == 0)
        return out

    def _normalize(self) -> None:
        src, no = self.src, self.src.no
        if self.kind.phase == "from_column_or_declared":
            declared = lit(self.declared_phase) if self.declared_phase else "NULL"
            phase = f"coalesce(lower({norm_text('ph')}), {declared})" if "ph" in self._aliases() else declared
        else:
            phase = lit("inference") if self.kind.phase == "inference" else "NULL"
        zone = f"upper({norm_text('zn')})" if "zn" in self._aliases() else "NULL::VARCHAR"
        s = src.parse_time("s", self.time_role)
        if src.roles.get("end") is None:
            e = f"s_us + {self.duration_us}"
        elif "end" in self.kind.required:
            e = src.parse_time("e", "end")
        else:
            e = f"CASE WHEN {norm_text('e')} IS NULL THEN s_us + {self.duration_us} ELSE {src.parse_time('e', 'end')} END"
        checks = [
            f"WHEN s_us IS NULL THEN {lit(self.time_role)}",
            "WHEN e_us IS NULL OR e_us <= s_us THEN 'end'",
        ]
        if self.time_role == "datetime":
            checks.append(f"WHEN s_us % {US_PER_HOUR} <> 0 THEN 'datetime'")
        if "zone" in self.kind.required:
            checks.append("WHEN zone IS NULL THEN 'zone'")
        if self.kind.phase != "none":
            allowed = ", ".join(lit(p) for p in self.allowed) or "NULL"
            checks.append(f"WHEN phase IS NULL OR phase NOT IN ({allowed}) THEN 'phase'")
        self.con.execute(
            f"CREATE OR REPLACE TEMP TABLE {self.name} AS SELECT *, CASE {' '.join(checks)} END AS err FROM "
            f"(SELECT *, {e} AS e_us FROM (SELECT *, {phase} AS phase, {zone} AS zone, {s} AS s_us FROM g{no}))"
        )

    def _aliases(self) -> list[str]:
        return [_KEY_ALIASES[r] for r in self.keys]

    def _join_on(self, left: str, right: str) -> str:
        return " AND ".join(f"{left}.{a} IS NOT DISTINCT FROM {right}.{a}" for a in self._aliases())

    # -- rejected rows (E-ACT-2) -------------------------------------------------------------------
    def _bad_rows(self) -> list[tuple[int, str]]:
        """The first rejected rows, as (ROW, column): ROW counts a CSV's header as row 1; in Parquet it is
        the 1-based row index. CSV rows are numbered by a single-threaded, ordered read of the file."""
        if self.src.parquet:
            number, threads = "file_row_number + 1", None
        else:
            number, threads = (
                "row_number() OVER () + 1",
                self._one("SELECT current_setting('threads')")[0],
            )
        sql = (
            f"SELECT x.rn, coalesce(g.err, x.why) FROM (SELECT {number} AS rn, * FROM (SELECT "
            f"{self._row_select(f'CASE WHEN NOT ({self.ok}) THEN {self.reason} END AS why')}"
            f"{', file_row_number' if self.src.parquet else ''} FROM {self.src.relation(numbered=True)})) AS x "
            f"JOIN {self.name} AS g ON {self._join_on('x', 'g')} WHERE g.err IS NOT NULL OR NOT x.ok "
            f"ORDER BY x.rn LIMIT {self.listed}"
        )
        try:
            if threads is not None:
                self.con.execute("SET threads = 1")
                self.con.execute("SET preserve_insertion_order = true")
            return [(int(r), str(w)) for r, w in self.con.execute(sql).fetchall()]
        finally:
            if threads is not None:
                self.con.execute(f"SET threads = {int(threads)}")
                self.con.execute("SET preserve_insertion_order = false")

    # -- repeated keys (W-ACT-4) ----------------------------------------------------------------------
    def _repeated(self, clean: bool) -> int:
        """Rows that repeat an earlier row's key (`end` is not part of it). Keys without a site or job id
        are counted on the groups. With one, the grouping pass kept the number of distinct hashes of the
        id in each group (`dk`): when each normalized key comes from exactly one group, no group has fewer
        distinct hashes than good rows, and so no key repeats (distinct hashes are distinct ids). Otherwise
        (a suspected repeat, or keys written several ways) a second pass counts exactly."""
        if self.kind_name == "grid_intensity":
            return 0  # grid keys are compared across all grid tables (aggregate)
        norm = [k for k in ("phase", "zone", "s_us") if k != "phase" or self.kind.phase != "none"]
        if self.extra_key is None:
            total, distinct = self._one(
                f"SELECT coalesce(sum(nok), 0), count(DISTINCT ({', '.join(norm)})) FROM {self.name} "
                f"WHERE err IS NULL AND nok > 0"
            )
            return int(total) - int(distinct)
        raw_keys = [a for a in self._aliases() if a != "e"]
        groups, raw, normalized, suspected = self._one(
            f"SELECT count(*), count(DISTINCT ({', '.join(raw_keys)})), count(DISTINCT ({', '.join(norm)})), "
            f"coalesce(sum(nok - coalesce(dk, 0)), 0) FROM {self.name} WHERE err IS NULL AND nok > 0"
        )
        one_to_one = groups == raw == normalized
        if one_to_one and not suspected:
            return 0
        return self._count_repeats(clean and one_to_one, norm, raw_keys)

    def _count_repeats(self, raw_cells: bool, norm: list[str], raw_keys: list[str]) -> int:
        """The exact count, in a second pass over the file: on raw cells when they map one to one onto
        normalized keys and no row was rejected, else each row joined to its checked group."""
        site = self.src.cell(self.extra_key or "")
        if raw_cells:
            cells = ", ".join(
                [
                    *(f"{self.src.cell(r)} AS {_KEY_ALIASES[r]}" for r in self.keys if r != "end"),
                    f"{site} AS site",
                ]
            )
            rows = f"(SELECT {cells} FROM {self.src.relation()})"
            key = [*raw_keys, "site"]
        else:
            full = ", ".join(f"{self.src.cell(r)} AS {_KEY_ALIASES[r]}" for r in self.keys)
            rows = (
                f"(SELECT {full}, {site} AS site, {self.ok} AS ok FROM "
                f"(SELECT *, {', '.join(self.cols)} FROM {self.src.relation()})) AS x JOIN {self.name} AS g "
                f"ON {self._join_on('x', 'g')} WHERE g.err IS NULL AND x.ok"
            )
            key = [*(f"g.{k}" for k in norm), "x.site"]
        (repeats,) = self._one(
            f"SELECT coalesce(sum(c - 1), 0) FROM (SELECT count(*) AS c FROM {rows} GROUP BY {', '.join(key)})"
        )
        return int(repeats)
