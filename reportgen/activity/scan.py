"""Reading activity files with DuckDB: one grouping pass per table, then work on the (small) groups.

The first pass groups a file's rows by their raw key cells (phase, zone, start, end as written) and sums
their numbers, checking each number in the scan. Timestamps, phases and zones are then parsed and checked
once per distinct group rather than once per row: an hourly table of ten million rows has a few thousand
distinct starts. Rows are only revisited to locate rejected ones (E-ACT-2) and to count repeated keys that
include a site or job id (W-ACT-4). No row ever reaches Python.
"""

from __future__ import annotations

import csv
import io
import os
import shutil
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb

from reportgen.terminal import raw, visible

# D.2 timestamps: date, T or space, hh:mm[:ss[.fraction]], then Z or ±hh:mm (the offset is optional only in
# the Electricity Maps `Datetime (UTC)` column, read as UTC).
_TS = r"\d{4}-\d\d-\d\d[T ]([01]\d|2[0-3]):[0-5]\d(:[0-5]\d(\.\d+)?)?"
TS_WITH_OFFSET = _TS + r"(Z|[+-]\d\d:\d\d)"
TS_UTC_DEFAULT = _TS + r"(Z|[+-]\d\d:\d\d)?"
US_PER_HOUR = 3_600_000_000
_NUMERIC = (
    "TINYINT",
    "SMALLINT",
    "INTEGER",
    "BIGINT",
    "HUGEINT",
    "UTINYINT",
    "USMALLINT",
    "UINTEGER",
    "UBIGINT",
    "UHUGEINT",
    "FLOAT",
    "DOUBLE",
    "DECIMAL",
)


class Unreadable(Exception):
    """The file cannot be read as a table (E-ACT-1); the message says why, for people."""


def q(name: str) -> str:
    """A quoted SQL identifier."""
    return '"' + name.replace('"', '""') + '"'


def lit(text: str) -> str:
    """A quoted SQL string literal."""
    return "'" + text.replace("'", "''") + "'"


def connect(spill_dir: Path) -> duckdb.DuckDBPyConnection:
    """An in-memory DuckDB with UTC time, bounded memory (spilling to `spill_dir`) and no printed bar."""
    con = duckdb.connect()
    con.execute("SET enable_progress_bar = true")  # for query_progress(); printing stays off
    con.execute("SET enable_progress_bar_print = false")
    con.execute("SET TimeZone = 'UTC'")
    con.execute("SET preserve_insertion_order = false")
    con.execute("SET memory_limit = '800MB'")
    con.execute(f"SET threads = {_cores()}")
    con.execute(f"SET temp_directory = {lit(str(spill_dir))}")
    return con


def _cores() -> int:
    """The cores this process may run on (a container or taskset may allow fewer than the machine has)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except (AttributeError, OSError):
        return max(1, os.cpu_count() or 1)


def is_parquet(path: Path) -> bool:
    with path.open("rb") as fh:
        return fh.read(4) == b"PAR1"


def header_of(path: Path, con: duckdb.DuckDBPyConnection, parquet: bool) -> list[tuple[str, str]]:
    """The file's columns as (name, DuckDB type); CSV columns are all read as text."""
    if parquet:
        try:
            rows = con.execute(f"DESCRIBE SELECT * FROM read_parquet({lit(str(path))})").fetchall()
        except duckdb.Error as exc:
            raise Unreadable(_reason(exc)) from None
        return [(r[0], str(r[1])) for r in rows]
    with path.open("rb") as fh:
        head = fh.read(1 << 16)
    try:
        text = head.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        if exc.start < len(head) - 4:  # not a multi-byte character cut by the 64 KiB read
            raise Unreadable("not UTF-8 text") from None
        text = head[: exc.start].decode("utf-8-sig")
    if not text.strip():
        raise Unreadable("the file is empty")
    try:
        first = next(csv.reader(io.StringIO(text, newline="")))
    except (csv.Error, StopIteration):
        raise Unreadable("no header row") from None
    return [(name, "VARCHAR") for name in first]


def _reason(exc: Exception) -> str:
    """DuckDB's message for people: its first line without the error class, and for a CSV error the
    line's problem (its "Possible fixes" are DuckDB options, not the reporter's)."""
    lines = [ln.strip() for ln in str(exc).strip().splitlines() if ln.strip()] or [type(exc).__name__]
    first = (
        lines[0].split(": ", 1)[1]
        if lines[0].split(": ", 1)[0].endswith("Error") and ": " in lines[0]
        else lines[0]
    )
    if first.startswith("CSV Error on Line"):
        detail = next((ln for ln in lines[1:] if not ln.startswith(("Original Line", "Possible fixes"))), "")
        return f"{first.replace('CSV Error on Line:', 'line')}: {detail}".rstrip(": ")
    return first


@dataclass
class Source:
    """One declared file opened for SQL: how to read it and which source column plays which role."""

    no: int  # 1-based position in the declaration
    path: Path
    parquet: bool
    columns: list[tuple[str, str]]  # (name, type) in file order
    roles: dict[str, str]  # logical column → source column name
    utc_default: frozenset[str] = frozenset()  # logical timestamp columns read as UTC without offset

    def relation(self, numbered: bool = False) -> str:
        if self.parquet:
            extra = ", file_row_number = true" if numbered else ""
            return f"read_parquet({lit(str(self.path))}{extra})"
        cols = ", ".join(f"{lit(f'c{i}')}: 'VARCHAR'" for i in range(len(self.columns)))
        par = ", parallel = false" if numbered else ""
        return (
            f"read_csv({lit(str(self.path))}, header = true, auto_detect = false, delim = ',', quote = '\"', "
            f"escape = '\"', columns = {{{cols}}}{par})"
        )

    def col(self, role: str) -> str | None:
        """The SQL name of a role's column in `relation()` (CSV columns are renamed c0, c1, ...)."""
        name = self.roles.get(role)
        if name is None:
            return None
        if self.parquet:
            return q(name)
        return q(f"c{[n for n, _ in self.columns].index(name)}")

    def type_of(self, role: str) -> str:
        name = self.roles[role]
        return next(t for n, t in self.columns if n == name).upper()

    # -- expressions over one row: cells are grouped as written, normalized once per group ---------------
    def cell(self, role: str) -> str:
        """A key cell as written (grouping key of the first pass), NULL when the column is absent."""
        return self.col(role) or "NULL::VARCHAR"

    def number(self, role: str) -> tuple[str, str]:
        """(value, absent) expressions of a number cell; an empty cell is absent, not zero (D.2)."""
        c = self.col(role)
        if c is None:
            return "NULL::DOUBLE", "true"
        typ = self.type_of(role)
        if typ == "VARCHAR":  # a decimal point only: no grouping underscores that DuckDB would accept
            return (
                f"CASE WHEN contains({c}, '_') THEN NULL ELSE TRY_CAST({c} AS DOUBLE) END",
                f"({c} IS NULL OR trim({c}) = '')",
            )
        if typ.startswith(_NUMERIC):
            return f"CAST({c} AS DOUBLE)", f"({c} IS NULL)"
        return "NULL::DOUBLE", f"({c} IS NULL)"

    def parse_time(self, raw: str, role: str) -> str:
        """Microseconds since 1970 UTC of a grouped raw timestamp, NULL when it is bad (D.2)."""
        if self.roles.get(role) is None:
            return "NULL::BIGINT"
        typ = self.type_of(role)
        if typ in ("TIMESTAMP WITH TIME ZONE", "TIMESTAMPTZ"):
            return f"epoch_us({raw})"
        if typ.startswith("TIMESTAMP"):  # Parquet timestamp not adjusted to UTC: no offset
            return f"epoch_us(CAST({raw} AS TIMESTAMPTZ))" if role in self.utc_default else "NULL::BIGINT"
        pattern = TS_UTC_DEFAULT if role in self.utc_default else TS_WITH_OFFSET
        text = f"trim(CAST({raw} AS VARCHAR))"
        return f"CASE WHEN regexp_full_match({text}, {lit(pattern)}) THEN epoch_us(TRY_CAST({text} AS TIMESTAMPTZ)) END"


def norm_text(raw: str) -> str:
    """A grouped text cell, trimmed; empty means absent."""
    return f"NULLIF(trim(CAST({raw} AS VARCHAR)), '')"


def row_checks(src: Source, numbers: list[str], required: list[str]) -> tuple[list[str], str, str]:
    """Per-row number columns (v_<role>), the row's validity, and the name of its first bad column."""
    cols, conds, reasons = [], [], []
    for role in numbers:
        if src.col(role) is None:
            continue
        value, absent = src.number(role)
        cols.append(f"{value} AS {q('v_' + role)}")
        v = q("v_" + role)
        valid = f"({v} IS NOT NULL AND isfinite({v}) AND {v} >= 0)"
        ok = (
            valid
            if role in required
            else f"(CASE WHEN {v} IS NOT NULL THEN isfinite({v}) AND {v} >= 0 ELSE {absent} END)"
        )
        conds.append(ok)
        reasons.append(f"WHEN NOT {ok} THEN {lit(role)}")
    validity = " AND ".join(conds) or "true"
    reason = f"CASE {' '.join(reasons)} END" if reasons else "NULL"
    return cols, validity, reason


def _progress_after() -> float:
    """Seconds of reading before the bar appears: 1, or REPORTGEN_PROGRESS_AFTER (tests use 0)."""
    try:
        return max(0.0, float(os.environ.get("REPORTGEN_PROGRESS_AFTER", "1")))
    except ValueError:
        return 1.0


class Progress:
    """A progress bar on standard error, only when reading takes more than a second and stderr is a
    terminal. DuckDB's own bar is off; we poll `query_progress` from the reading thread's connection."""

    def __init__(self, con: duckdb.DuckDBPyConnection, label: str) -> None:
        self.con, self.label, self.shown = con, label, False
        self.after = _progress_after()

    def run(self, sql: str, params: list[Any] | None = None) -> list[tuple[Any, ...]]:
        result: dict[str, Any] = {}

        def work() -> None:
            try:
                result["rows"] = self.con.execute(sql, params or []).fetchall()
            except BaseException as exc:  # re-raised in the caller's thread
                result["error"] = exc

        worker = threading.Thread(target=work, daemon=True)
        start = time.monotonic()
        worker.start()
        tty = sys.stderr.isatty()
        while worker.is_alive():
            if tty and time.monotonic() - start >= self.after:
                self._draw(self.con.query_progress())
            worker.join(0.1)
        if self.shown:
            err = raw(sys.stderr)
            err.write("\r" + " " * 72 + "\r")
            err.flush()
        if "error" in result:
            raise result["error"]
        return result["rows"]

    def _draw(self, pct: float) -> None:
        pct = min(max(pct, 0.0), 100.0)  # -1 before DuckDB knows
        filled = int(pct / 100 * 30)
        err = raw(sys.stderr)  # the bar's own \r must reach the terminal; the file name is escaped
        err.write(f"\r{visible(self.label[:32]):32} [{'#' * filled}{' ' * (30 - filled)}] {pct:5.1f} %")
        err.flush()
        self.shown = True


class SpillDir:
    """A private temporary folder for DuckDB to spill to, removed afterwards."""

    def __enter__(self) -> Path:
        self.path = Path(tempfile.mkdtemp(prefix="reportgen-activity-"))
        return self.path

    def __exit__(self, *exc: object) -> None:
        shutil.rmtree(self.path, ignore_errors=True)
