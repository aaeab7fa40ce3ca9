"""Annex D as one function: `run(declared, standard, context)` → derived values, findings, report data.

Reading and aggregation happen in DuckDB (`tables`, and the statements of `sql/hourly.sql`); Python only
sees per-table and per-phase sums. The pipeline calls `run` as clause 8.0, before 8.1, and keeps only the
derived values of fields that were neither supplied nor withheld.
"""

from __future__ import annotations

import hashlib
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from typing import TYPE_CHECKING, Any

from reportgen.activity.declare import Declared, TableDecl, parse
from reportgen.activity.spec import ActivitySpec, Kind
from reportgen.activity.sums import Aggregates, PhaseSums, Scope, TableResult, statements  # noqa: F401
from reportgen.evaluation import codes
from reportgen.evaluation.findings import Findings
from reportgen.evaluation.model import Finding, Location
from reportgen.standard import Standard

if TYPE_CHECKING:  # derive imports this module's results; at run time it is imported inside run()
    from reportgen.activity.derive import ActivityOutcome


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 22), b""):
            h.update(block)  # hashlib releases the GIL on large blocks: this runs beside DuckDB
    return h.hexdigest()


def _inside(path: Path, folder: Path) -> bool:
    """Whether `path`, links resolved, is in `folder` or below it."""
    try:
        return path.resolve().is_relative_to(folder.resolve())
    except (OSError, RuntimeError):  # a link loop
        return False


def _map_columns(
    kind_name: str, kind: Kind, names: list[str], basis: str
) -> tuple[dict[str, str], str | None, list[str]]:
    """Logical column → file column (trimmed, case ignored), or the problem: (roles, variant, columns)."""
    norm: dict[str, list[str]] = {}
    for n in names:
        norm.setdefault(n.strip().lower(), []).append(n)
    dupes = [v[0] for v in norm.values() if len(v) > 1]
    if dupes:
        return {}, "duplicate_column", dupes
    roles = {c: norm[c][0] for c in kind.columns if c in norm}
    em = kind.electricity_maps
    if em and "datetime" not in roles:  # the Electricity Maps export, as it is
        for role, candidates in (
            ("datetime", [em.datetime]),
            ("zone", [em.zone]),
            ("intensity_gco2e_per_kwh", em.intensity[basis]),
        ):
            found = next((norm[c.strip().lower()][0] for c in candidates if c.strip().lower() in norm), None)
            if found and role not in roles:
                roles[role] = found
    missing = [c for c in kind.required if c not in roles]
    return roles, ("missing_column" if missing else None), missing


def run(declared: Declared, standard: Standard, scope: Scope) -> tuple[ActivityOutcome, list[Finding]]:
    """Read the declared tables and derive what Annex D derives. Never raises on bad tables."""
    from reportgen.activity.derive import ActivityOutcome, derive

    spec = standard.activity
    assert spec is not None, "run() is only called for editions with Annex D"
    findings = Findings(standard, scope.lang)
    decls = parse(declared, spec, standard.phase_ids, findings)
    if not decls:
        return ActivityOutcome(), findings.items
    aggregates = _read_all(decls, spec, standard, scope, findings, declared.source)
    return derive(aggregates, spec, standard, scope, findings), findings.items


def _read_all(
    decls: list[TableDecl],
    spec: ActivitySpec,
    standard: Standard,
    scope: Scope,
    findings: Findings,
    source: str,
) -> Aggregates:
    from reportgen.activity import scan  # DuckDB is imported here, and only here
    from reportgen.activity.tables import Table

    files: dict[int, Path] = {}
    for d in decls:
        p = Path(d.path)
        p = p if p.is_absolute() else scope.base_dir / p
        unusable: str | None
        if scope.confine and not _inside(p, scope.base_dir):
            unusable = (
                "outside the folder of the disclosure (only tables beside it or below it are read here)"
            )
        else:
            unusable = None if p.is_file() else "no such file" if not p.exists() else "not a file"
        if unusable:
            findings.add(
                codes.ACTIVITY_TABLE_UNUSABLE,
                None,
                d.location,
                variant="unreadable",
                ref=d.ref,
                reason=unusable,
            )
            continue
        files[d.no] = p
    results: list[TableResult] = []
    loaded: dict[int, Table] = {}
    with scan.SpillDir() as spill, ThreadPoolExecutor(max_workers=1) as pool:
        hashes: dict[int, Future[str]] = {no: pool.submit(_sha256, p) for no, p in files.items()}
        con = scan.connect(spill)
        try:
            for d in decls:
                if d.no not in files:
                    continue
                kind = spec.kinds[d.table]
                table = _open(d, kind, files[d.no], spec, standard, con, findings, scan, Table)
                if table is None:
                    continue
                try:
                    got = table.load(f"{Path(d.path).name}")
                except scan.duckdb.Error as exc:
                    findings.add(
                        codes.ACTIVITY_TABLE_UNUSABLE,
                        None,
                        d.location,
                        variant="unreadable",
                        ref=d.ref,
                        reason=scan._reason(exc),
                    )
                    continue
                digest = hashes[d.no].result()
                if d.sha256 and d.sha256 != digest:
                    findings.add(
                        codes.ACTIVITY_FILE_DIFFERS,
                        None,
                        d.location,
                        ref=d.ref,
                        actual=digest,
                        declared=d.sha256,
                    )
                    continue
                _report_rows(d, got, spec, findings)
                results.append(TableResult(decl=d, kind=kind, sha256=digest, rows=got.rows))
                loaded[d.no] = table
            from reportgen.activity.aggregate import aggregate

            return aggregate(con, results, loaded, spec, standard, scope, findings)
        finally:
            con.close()


def _open(
    d: TableDecl,
    kind: Kind,
    path: Path,
    spec: ActivitySpec,
    standard: Standard,
    con: Any,
    findings: Findings,
    scan: Any,
    table_cls: Any,
) -> Any:
    """The table ready to load, or None after its E-ACT-1 (unreadable, columns, phase needed)."""
    parquet = scan.is_parquet(path)
    try:
        columns = scan.header_of(path, con, parquet)
    except scan.Unreadable as exc:
        findings.add(
            codes.ACTIVITY_TABLE_UNUSABLE, None, d.location, variant="unreadable", ref=d.ref, reason=str(exc)
        )
        return None
    roles, problem, cols = _map_columns(d.table, kind, [n for n, _ in columns], d.effective_basis(spec))
    if problem:
        findings.add(
            codes.ACTIVITY_TABLE_UNUSABLE,
            None,
            d.location,
            variant=problem,
            ref=d.ref,
            table=d.table,
            columns=", ".join(cols),
            required=", ".join(kind.required),
        )
        return None
    if kind.phase == "from_column_or_declared" and "phase" not in roles and not d.phase:
        findings.add(
            codes.ACTIVITY_TABLE_UNUSABLE, None, d.location, variant="phase_needed", ref=d.ref, table=d.table
        )
        return None
    utc_default = (
        frozenset({"datetime"})
        if kind.electricity_maps
        and roles.get("datetime", "").strip().lower() == kind.electricity_maps.datetime.lower()
        else frozenset()
    )
    src = scan.Source(
        no=d.no, path=path, parquet=parquet, columns=columns, roles=roles, utc_default=utc_default
    )
    allowed = [p for p in standard.phase_ids if kind.derives and f"{p}.{kind.derives}" in standard.fields]
    duration = int(spec.default_duration_hours * scan.US_PER_HOUR)
    return table_cls(con, src, d.table, kind, d.phase, allowed, duration)


def _report_rows(d: TableDecl, got: Any, spec: ActivitySpec, findings: Findings) -> None:
    """E-ACT-2 (located FILE:ROW, the first rows listed, then a count) and W-ACT-4 of one table."""
    if got.bad:
        listed = ", ".join(f"{d.path}:{row} ({why})" for row, why in got.bad_rows[: spec.listed_bad_rows])
        more = got.bad - min(len(got.bad_rows), spec.listed_bad_rows)
        more_text = f" (+{more})" if more else ""
        first = got.bad_rows[0][0] if got.bad_rows else None
        findings.add(
            codes.ACTIVITY_ROWS_REJECTED,
            None,
            Location(file=d.path, line=first),
            ref=d.ref,
            count=got.bad,
            rows=listed,
            more=more_text,
        )
    if got.repeated:
        kind = spec.kinds[d.table]
        findings.add(
            codes.ACTIVITY_REPEATED_KEY,
            None,
            Location(file=d.path),
            ref=d.ref,
            count=got.repeated,
            key=", ".join(kind.key),
        )
