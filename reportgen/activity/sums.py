"""The results of Annex D's passes that the engine, the aggregation and the derivations share: the
scope of a run, each table's result, the sums per phase, and the SQL statements they all run."""

from __future__ import annotations

import datetime as dt
import functools
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from reportgen.activity.declare import TableDecl
from reportgen.activity.spec import Kind

SQL_FILE = Path(__file__).parent / "sql" / "hourly.sql"


@functools.lru_cache(maxsize=1)
def statements() -> dict[str, str]:
    """The named statements of sql/hourly.sql (`-- name: X` starts statement X)."""
    out: dict[str, str] = {}
    for block in re.split(r"^-- name: ", SQL_FILE.read_text(encoding="utf-8"), flags=re.M)[1:]:
        name, body = block.split("\n", 1)
        out[name.strip()] = body.strip().rstrip(";")
    return out


@dataclass
class Scope:
    """What the activity data need to know of the rest of the disclosure (D.3)."""

    base_dir: Path
    status: dict[str, str | None]  # boundary.phases.<phase>
    facility: bool
    pue: dict[str, float]  # counted PUE of each phase that has one
    period: tuple[dt.date, dt.date] | None  # reporting period, when both dates are valid and in order
    values: dict[str, Any] = field(default_factory=dict)  # field id → FieldValue supplied or withheld
    lang: str = "en"
    confine: bool = False  # tables only inside base_dir (a server's uploads)

    def included(self, phase: str) -> bool:
        return self.status.get(phase) == "included"


@dataclass
class TableResult:
    decl: TableDecl
    kind: Kind
    sha256: str
    rows: int
    counted: int = 0
    period: tuple[dt.datetime, dt.datetime] | None = None
    matched_share: float | None = None


@dataclass
class PhaseSums:
    """Activity sums of one included phase (None where the tables give nothing)."""

    accelerator_hours: float | None = None
    usage_rows: int = 0
    unpowered_rows: int = 0  # counted usage rows without avg_power_w
    energy: float | None = None
    energy_rows: int = 0
    energy_from_power: bool = False
    energy_tables: list[int] = field(default_factory=list)
    usage_tables: list[int] = field(default_factory=list)
    matched_energy: float = 0.0
    matched_ghg: float = 0.0
    average_ghg_matched: float | None = None
    unmatched_zones: list[str] = field(default_factory=list)
    requests: dict[str, float | None] = field(default_factory=dict)
    request_rows: int = 0
    request_tables: list[int] = field(default_factory=list)


@dataclass
class Aggregates:
    """Everything `derive` needs: the tables read and the sums of each included phase."""

    tables: list[TableResult]
    phases: dict[str, PhaseSums]
    grid_read: bool
    grid_tables: list[TableResult]
    monthly: list[dict[str, Any]]
