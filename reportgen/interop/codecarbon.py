"""Import CodeCarbon's `emissions.csv` (2.x and 3.x column sets) into one phase of a disclosure.

Facts about the file, from CodeCarbon's `EmissionsData` and its output documentation:
- `energy_consumed` is kWh and is already multiplied by CodeCarbon's `pue` setting (default 1.0, i.e. IT
  energy of CPU + GPU + RAM only); `emissions` is kgCO2e (location-based, CodeCarbon's grid data);
  `duration` is seconds; `timestamp` is when the row was written; `country_iso_code` is ISO alpha-3;
  `gpu_model` reads like "8 x NVIDIA A100-SXM4-80GB".
- 3.x adds `water_consumed` (L, = energy × the `wue` setting, 0 when `wue` is 0), `wue`,
  `cpu/gpu/ram_utilization_percent` and `ram_used_gb`; 2.8 added `experiment_id`.
- A run that flushes (long runs, `api_call_interval`) writes several rows with the same `run_id`, each
  holding the *cumulative* totals since the start: summing them would count the run several times. So
  the row with the longest `duration` of each run is its total, and the runs are then summed.

Wall-clock time is the elapsed calendar time of the campaign (the field's definition, EU AI Act 2(d)):
from the earliest run start (timestamp − duration) to the latest run end, not the sum of run durations
(parallel runs would be counted twice, and the source text gives that sum too).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import math
import re
from dataclasses import dataclass, field
from pathlib import Path

from reportgen.errors import InputError
from reportgen.interop import Fragment, country_alpha2, quantity, read_text, round_sig, short_list
from reportgen.standard import Standard

REQUIRED = ["run_id", "duration", "emissions", "energy_consumed"]
OPTIONAL_NUMBERS = ["pue", "wue", "gpu_count"]  # read as numbers when present
KNOWN = {
    "timestamp",
    "project_name",
    "run_id",
    "experiment_id",
    "duration",
    "emissions",
    "emissions_rate",
    "cpu_power",
    "gpu_power",
    "ram_power",
    "cpu_energy",
    "gpu_energy",
    "ram_energy",
    "energy_consumed",
    "water_consumed",
    "country_name",
    "country_iso_code",
    "region",
    "cloud_provider",
    "cloud_region",
    "os",
    "python_version",
    "codecarbon_version",
    "cpu_count",
    "cpu_model",
    "gpu_count",
    "gpu_model",
    "longitude",
    "latitude",
    "ram_total_size",
    "tracking_mode",
    "cpu_utilization_percent",
    "gpu_utilization_percent",
    "ram_utilization_percent",
    "ram_used_gb",
    "on_cloud",
    "pue",
    "wue",
}
FIX = "Give the emissions.csv that CodeCarbon wrote (its output_dir, default: the working directory)."
_UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$", re.I)
_GPU_PREFIX = re.compile(r"^\s*(\d+)\s*x\s+(.+?)\s*$")


@dataclass
class Run:
    """One run: the row with its final (largest) cumulative totals."""

    run_id: str
    line: int
    row: dict[str, str]
    duration_s: float
    energy_kwh: float
    emissions_kg: float
    water_l: float | None
    flushes: int = 1


@dataclass
class Summary:
    file: str
    runs: list[Run] = field(default_factory=list)
    rows: int = 0
    columns: list[str] = field(default_factory=list)

    def common(self, column: str) -> str | None:
        """The value of `column` when every run agrees on it (empty cells ignored), else None."""
        seen = {r.row.get(column, "").strip() for r in self.runs} - {""}
        return seen.pop() if len(seen) == 1 else None

    def distinct(self, column: str) -> list[str]:
        return sorted({r.row.get(column, "").strip() for r in self.runs} - {""})


def _number(text: str | None, column: str, line: int, file: str, *, optional: bool = False) -> float | None:
    """A finite, non-negative number from one cell; anything else is refused with its place (file:line, column)."""
    s = (text or "").strip()
    where = f"{file}:{line}, column '{column}'"
    if not s:
        if optional:
            return None
        raise InputError(
            f"{where} is empty; CodeCarbon always fills it. Check that the file was not edited by hand."
        )
    try:
        value = float(s)
    except ValueError:
        raise InputError(f"{where} holds '{s[:40]}', not a number.") from None
    if not math.isfinite(value):  # inf, -inf, nan, or a number beyond float range such as 1e400
        raise InputError(
            f"{where} holds {s[:40]}, which is not a finite number; CodeCarbon writes only "
            "finite measurements, so the file was altered. Correct that cell or remove the row."
        )
    if value < 0:
        raise InputError(
            f"{where} holds {s[:40]}; a {column} cannot be negative. Correct that cell or remove the row."
        )
    return value


def _check_optional(row: dict[str, str], line: int, file: str) -> None:
    """Columns read later as numbers (pue, wue, gpu_count) are checked here, where the line is known."""
    for column in OPTIONAL_NUMBERS:
        value = _number(row.get(column), column, line, file, optional=True)
        if column == "gpu_count" and value is not None and not value.is_integer():
            raise InputError(
                f"{file}:{line}, column 'gpu_count' holds {row[column].strip()[:40]}, not a whole "
                "number of GPUs. Correct that cell or remove the row."
            )


def read_emissions_csv(path: str | Path) -> Summary:
    """Parse and check the file; collapse the cumulative rows of each run. Raises InputError."""
    p = Path(path)
    text = read_text(p, "a CodeCarbon emissions.csv (CSV text)", FIX)
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = [h.strip() for h in next(reader)]
        rows: list[tuple[int, list[str]]] = []
        line = reader.line_num + 1
        for cells in reader:  # a quoted cell may span lines: each row is located by its first line
            rows.append((line, cells))
            line = reader.line_num + 1
    except csv.Error as exc:
        raise InputError(f"{p}: not readable as CSV ({exc}). {FIX}") from None
    if not set(header) & KNOWN:
        raise InputError(
            f"{p} is not a CodeCarbon emissions.csv: its first line has none of CodeCarbon's "
            f"column names (found '{','.join(header)[:80]}'). {FIX}"
        )
    missing = [c for c in REQUIRED if c not in header]
    if missing:
        raise InputError(
            f"{p}: the column '{missing[0]}' is missing from the header row"
            + (f" (also missing: {', '.join(missing[1:])})" if missing[1:] else "")
            + f". CodeCarbon 2.x and 3.x always write {', '.join(REQUIRED)}. {FIX}"
        )
    out = Summary(file=p.name, columns=header)
    by_id: dict[str, Run] = {}
    for n, cells in rows:
        if not any(c.strip() for c in cells):
            continue  # blank line
        if len(cells) != len(header):
            raise InputError(
                f"{p}:{n}: {len(cells)} values for {len(header)} columns. A value with a "
                "comma must be quoted; check that line."
            )
        row = dict(zip(header, cells, strict=True))
        out.rows += 1
        run_id = row["run_id"].strip() or f"(no run_id, line {n})"
        run = Run(
            run_id=run_id,
            line=n,
            row=row,
            duration_s=_number(row["duration"], "duration", n, p.name) or 0.0,
            energy_kwh=_number(row["energy_consumed"], "energy_consumed", n, p.name) or 0.0,
            emissions_kg=_number(row["emissions"], "emissions", n, p.name) or 0.0,
            water_l=_number(row.get("water_consumed"), "water_consumed", n, p.name, optional=True),
        )
        _check_optional(row, n, p.name)
        prev = by_id.get(run_id)
        if prev is None:
            by_id[run_id] = run
        else:  # a later flush of the same run: cumulative, keep the longest
            run.flushes = prev.flushes + 1
            by_id[run_id] = run if run.duration_s >= prev.duration_s else prev
            by_id[run_id].flushes = run.flushes
    if not by_id:
        raise InputError(f"{p} has a header row but no data row: no run was recorded. {FIX}")
    out.runs = list(by_id.values())
    return out


def _timestamp(text: str) -> dt.datetime | None:
    try:
        t = dt.datetime.fromisoformat(text.strip())
    except ValueError:
        return None
    return t.replace(tzinfo=None) if t.tzinfo is None else t.astimezone(dt.UTC).replace(tzinfo=None)


def wallclock_span_days(summary: Summary) -> float | None:
    """Earliest start to latest end, in days; None when a timestamp cannot be read (and >1 run)."""
    if len(summary.runs) == 1:
        return summary.runs[0].duration_s / 86400
    read = [_timestamp(r.row.get("timestamp", "")) for r in summary.runs]
    ends = [e for e in read if e is not None]
    if len(ends) < len(read):
        return None
    starts = [e - dt.timedelta(seconds=r.duration_s) for e, r in zip(ends, summary.runs, strict=True)]
    return (max(ends) - min(starts)).total_seconds() / 86400


def gpu_model_name(text: str) -> str:
    """'8 x NVIDIA A100-SXM4-80GB' → 'NVIDIA A100-SXM4-80GB'; a mixed list is kept as written."""
    m = _GPU_PREFIX.match(text)
    if m and not re.search(r"\d+\s*x\s+\S", m.group(2)):
        return m.group(2)
    return text.strip()


def _short_id(run_id: str) -> str:
    """A UUID run id by its first 8 hex digits (as git abbreviates commits); other ids as written."""
    return run_id[:8] if _UUID.match(run_id) else run_id


def to_fragment(summary: Summary, phase: str, std: Standard) -> Fragment:
    """Map the summed runs onto the fields that `phase` has in the standard."""
    frag = Fragment(tool="codecarbon", source_file=summary.file)
    runs = summary.runs
    versions = summary.distinct("codecarbon_version")
    tool = "CodeCarbon " + ("/".join(versions) if versions else "(version not recorded)")
    ids = short_list([_short_id(r.run_id) for r in runs])
    runs_text = f"{len(runs)} run{'s' if len(runs) > 1 else ''} ({ids})"
    flushed = sum(r.flushes - 1 for r in runs)
    if flushed:
        frag.notes.append(
            f"{flushed} intermediate row(s) of flushed runs were cumulative totals; only the "
            "last row of each run was counted."
        )
    base = f"{tool}, {summary.file}, {runs_text}"

    pues = {float(x) for x in summary.distinct("pue")} if "pue" in summary.columns else set()
    if pues == {1.0} or not pues:
        pue_text = (
            "CodeCarbon pue 1.0 (the default), so IT energy of CPU, GPU and RAM without facility overhead"
        )
    elif len(pues) == 1:
        pue_text = f"already multiplied by the CodeCarbon pue setting {next(iter(pues)):g} (facility energy)"
    else:
        pue_text = f"multiplied by CodeCarbon pue settings that differ between runs ({', '.join(summary.distinct('pue'))})"
    energy = sum(r.energy_kwh for r in runs)
    frag.put(
        std,
        f"{phase}.energy",
        quantity(energy, "kWh", "measured", f"{base}: sum of energy_consumed; {pue_text}"),
        "energy",
    )
    frag.put(
        std,
        f"{phase}.ghg_location",
        quantity(
            sum(r.emissions_kg for r in runs),
            "kgCO2e",
            "measured",
            f"{base}: sum of emissions (kg, location-based, CodeCarbon grid intensities)",
        ),
        "emissions",
    )
    _water(frag, summary, phase, std, base)
    _wallclock(frag, summary, phase, std, base)
    _hardware(frag, summary, phase, std)
    _location(frag, summary, phase, std)
    if pues and pues != {1.0}:
        pue = summary.common("pue")
        if pue is not None:
            frag.put(std, f"{phase}.pue", round_sig(float(pue), 6), f"pue {pue}")
        else:
            frag.notes.append(
                f"pue not imported: the runs used different values ({', '.join(summary.distinct('pue'))})."
            )
    elif pues == {1.0} and f"{phase}.pue" in std.fields:
        frag.notes.append(
            "pue not imported: CodeCarbon's pue was 1.0 (its default), so energy_consumed is IT "
            "energy; under boundary.energy_scope 'facility' give the site PUE yourself."
        )
    return frag


def _water(frag: Fragment, summary: Summary, phase: str, std: Standard, base: str) -> None:
    if "water_consumed" not in summary.columns:
        return
    wues = summary.distinct("wue")
    total = sum(r.water_l or 0.0 for r in summary.runs)
    if total <= 0:
        frag.notes.append(
            "water_consumed not imported: it is 0 because CodeCarbon's wue setting was 0 "
            "(not configured), which is not a measurement of zero water."
        )
        return
    wue_text = f"wue {'/'.join(wues)} L/kWh" if wues else "its wue setting"
    frag.put(
        std,
        f"{phase}.water",
        quantity(total, "L", "calculated", f"{base}: sum of water_consumed = energy × {wue_text} (on-site)"),
        "water_consumed",
    )


def _wallclock(frag: Fragment, summary: Summary, phase: str, std: Standard, base: str) -> None:
    fid = f"{phase}.wallclock_days"
    if fid not in std.fields:
        return  # only training has a wall-clock field; nothing worth a note
    days = wallclock_span_days(summary)
    busy = sum(r.duration_s for r in summary.runs) / 86400
    if days is None:
        frag.notes.append(
            f"{fid} not imported: a timestamp could not be read, so the span of the runs is "
            f"unknown (their durations sum to {busy:.3g} days)."
        )
        return
    detail = (
        "duration of the run"
        if len(summary.runs) == 1
        else f"span from the first run start (timestamp − duration) to the last run end; the run durations "
        f"sum to {busy:.3g} days"
    )
    frag.put(std, fid, quantity(days, "days", "measured", f"{base}: {detail}"), "duration")


def _hardware(frag: Fragment, summary: Summary, phase: str, std: Standard) -> None:
    models = summary.distinct("gpu_model")
    if len(models) == 1:
        frag.put(std, f"{phase}.accelerator_model", gpu_model_name(models[0]), f"gpu_model '{models[0]}'")
    elif len(models) > 1:
        frag.notes.append(f"gpu_model not imported: the runs used different GPUs ({'; '.join(models)}).")
    counts = {c for c in summary.distinct("gpu_count")}
    if len(counts) == 1:
        count = float(counts.pop())
        if count > 0 and count.is_integer():
            frag.put(std, f"{phase}.accelerator_count", int(count), f"gpu_count {int(count)}")
    elif len(counts) > 1:
        frag.notes.append(
            f"gpu_count not imported: the runs differ ({', '.join(sorted(counts))}); give the "
            "number of accelerators of the phase yourself."
        )


def _location(frag: Fragment, summary: Summary, phase: str, std: Standard) -> None:
    codes = summary.distinct("country_iso_code")
    if len(codes) > 1:
        frag.notes.append(
            f"country_iso_code not imported: the runs ran in several countries ({', '.join(codes)})."
        )
    elif codes:
        alpha2 = country_alpha2(codes[0], names=False)
        if alpha2 is None:
            frag.notes.append(f"country_iso_code '{codes[0]}' is not an ISO 3166-1 code; not imported.")
        else:
            frag.put(std, f"{phase}.location_country", alpha2, f"country_iso_code {codes[0]}")
    region = summary.common("region")
    cloud = " ".join(x for x in (summary.common("cloud_provider"), summary.common("cloud_region")) if x)
    text = ", ".join(x for x in (region, cloud) if x)
    if text and f"{phase}.location_region" in std.fields:
        frag.values[f"{phase}.location_region"] = text
