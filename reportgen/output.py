"""Writing outputs safely: atomically (temporary file, then rename) and never over an input file."""

from __future__ import annotations

import datetime as dt
import os
import re
import tempfile
import unicodedata
from pathlib import Path
from typing import Callable, Iterable

from reportgen.errors import OutputError
from reportgen.evaluation.model import Evaluation


def safe_name(text: str, fallback: str = "disclosure") -> str:
    """A file-name-safe slug: ASCII letters, digits, dot, dash and underscore only."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^A-Za-z0-9._-]+", "-", ascii_text).strip("-.")
    return slug[:80] or fallback


def report_stem(ev: Evaluation) -> str:
    """`<system>-<model version>-AILD-D1`, each part made safe (SPEC-independent naming of issue 4)."""
    def text(fid: str, fallback: str) -> str:
        v = ev.values.get(fid)
        return str(v.value) if v is not None and v.value not in (None, "") else fallback

    system = safe_name(text("system.name", "system"), "system")
    version = safe_name(text("system.model_version", "unversioned"), "unversioned")
    return f"{system}-{version}-{ev.standard.id}-{ev.standard.edition}"


def atomic_write(path: Path, write: Callable[[Path], None], protect: Iterable[Path] = ()) -> Path:
    """Call `write(tmp)` to produce the file, then move it into place. Refuses to replace an input."""
    path = Path(path)
    refuse_inputs(path, protect)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise OutputError(f"cannot create the folder {path.parent}: {exc.strerror}") from exc
    fd, tmp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    os.close(fd)
    tmp = Path(tmp_name)
    try:
        write(tmp)
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)  # mkstemp makes 0600; outputs are ordinary files
        os.replace(tmp, path)
    except OSError as exc:
        raise OutputError(f"cannot write {path}: {exc.strerror or exc}") from exc
    finally:
        if tmp.exists():
            tmp.unlink()
    return path


def write_bytes(path: Path, data: bytes, protect: Iterable[Path] = ()) -> Path:
    return atomic_write(path, lambda tmp: tmp.write_bytes(data), protect)


EPOCH = dt.datetime(1980, 1, 1, tzinfo=dt.timezone.utc)  # when a disclosure carries no date at all


def document_date(ev: Evaluation) -> dt.datetime:
    """The date stamped into reports (UTC): publication date, else reporting period end, else
    SOURCE_DATE_EPOCH, else 1980-01-01. Never the wall clock, so the same inputs give the same bytes."""
    for fid in ("report.publication_date", "report.reporting_period_end"):
        fv = ev.values.get(fid)
        if fv is not None and isinstance(fv.value, dt.date):
            return dt.datetime.combine(fv.value, dt.time(), tzinfo=dt.timezone.utc)
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "")
    if epoch.isdigit():
        return dt.datetime.fromtimestamp(int(epoch), tz=dt.timezone.utc)
    return EPOCH


def refuse_inputs(path: Path, protect: Iterable[Path]) -> None:
    """Fail before any slow work when `path` is one of the inputs."""
    target = Path(path).resolve()
    for p in protect:
        if Path(p).resolve() == target:
            raise OutputError(f"refusing to overwrite the input file {p}; choose another output path.")
