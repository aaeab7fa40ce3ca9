"""Writing outputs safely: atomically (temporary file, synced, then renamed), never over an input file,
and every output path checked before any is written."""

from __future__ import annotations

import contextlib
import datetime as dt
import errno
import hashlib
import os
import re
import signal
import tempfile
import threading
import unicodedata
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

from reportgen.errors import OutputError
from reportgen.evaluation.declared import standard_of, text_of
from reportgen.evaluation.model import Evaluation


def safe_name(text: str, fallback: str = "disclosure", max_bytes: int = 80) -> str:
    """A file-name-safe slug: letters, marks and digits of any script, dot, dash and underscore.

    Latin letters lose their accents ("Café" → "Cafe"), as before; letters without an ASCII form are kept
    ("模型", "Модель"), so that systems named only in another script get distinct, meaningful names instead
    of all sharing the fallback. A name with nothing usable (only symbols or emoji) gets the fallback and
    a short digest of the name, still distinct. NFC, cut to `max_bytes` of UTF-8 (file systems count bytes).
    """
    out = []
    for ch in unicodedata.normalize("NFC", text):
        ascii_form = unicodedata.normalize("NFKD", ch).encode("ascii", "ignore").decode()
        if ascii_form:
            out.append(re.sub(r"[^A-Za-z0-9._-]", "-", ascii_form))
        elif unicodedata.category(ch)[0] in "LMN":
            out.append(ch)
        else:
            out.append("-")
    slug = re.sub(r"-{2,}", "-", "".join(out)).strip("-._")
    while len(slug.encode()) > max_bytes:
        slug = slug[:-1]
    slug = slug.rstrip("-._")
    if not slug and text.strip():
        return f"{fallback}-{hashlib.sha256(text.encode('utf-8', 'surrogatepass')).hexdigest()[:8]}"
    return slug or fallback


def report_stem(ev: Evaluation) -> str:
    """`<system>-<model version>-AILD-D1`, each part made safe (SPEC-independent naming of issue 4)."""

    roles = standard_of(ev).roles
    system = safe_name(text_of(ev, roles.system_name) or "system", "system")
    version = safe_name(text_of(ev, roles.model_version) or "unversioned", "unversioned")
    return f"{system}-{version}-{ev.standard.id}-{ev.standard.edition}"


def atomic_write(path: Path, write: Callable[[Path], object], protect: Iterable[Path] = ()) -> Path:
    """Call `write(tmp)` to produce the file, sync it, then move it into place. Refuses to replace an input.

    The temporary file is removed whatever happens: an error, Ctrl-C, or SIGTERM/SIGHUP (turned into an
    exception for as long as it exists). The data is fsynced before the rename and the folder after it,
    so that a crash leaves the old file or the new one, never an empty or partial one.
    """
    path = Path(path)
    refuse_inputs(path, protect)
    _make_folder(path.parent)
    with _signals_raise():
        try:
            fd, tmp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
        except OSError as exc:
            raise OutputError(_cannot_write(path, exc)) from exc
        os.close(fd)
        tmp = Path(tmp_name)
        try:
            write(tmp)
            umask = os.umask(0)
            os.umask(umask)
            os.chmod(tmp, 0o666 & ~umask)  # mkstemp makes 0600; outputs are ordinary files
            _fsync(tmp)
            os.replace(tmp, path)
            _fsync(path.parent, folder=True)
        except OSError as exc:
            raise OutputError(_cannot_write(path, exc)) from exc
        finally:
            with contextlib.suppress(OSError):
                tmp.unlink()
    return path


def check_outputs(paths: Iterable[Path], protect: Iterable[Path] = ()) -> None:
    """Fail before anything is written unless every output can be written: none is an input, a folder or
    another output's path, and each folder exists (or can be made) and takes a new file."""
    protect, seen = list(protect), set()
    for path in map(Path, paths):
        refuse_inputs(path, protect)
        key = path.resolve()
        if key in seen:
            raise OutputError(f"two outputs would be written to {path}; choose other names.")
        seen.add(key)
        if path.is_dir():
            raise OutputError(
                f"cannot write {path}: it is a folder; remove it or choose another output folder."
            )
        _make_folder(path.parent)
        try:
            fd, probe = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
        except OSError as exc:
            raise OutputError(_cannot_write(path, exc)) from exc
        os.close(fd)
        os.unlink(probe)


def _make_folder(folder: Path) -> None:
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise OutputError(
            f"cannot create the folder {folder}: {exc.strerror or exc}; choose another output folder."
        ) from exc


def _cannot_write(path: Path, exc: OSError) -> str:
    why = exc.strerror or str(exc)
    if exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        return (
            f"cannot write in the folder {path.parent} ({why}): it is read-only for you; choose another "
            "output folder or change its permissions."
        )
    return f"cannot write {path}: {why}."


def _fsync(path: Path, folder: bool = False) -> None:
    """Flush a file (or a folder's entries) to disk; folders that cannot be opened are left alone."""
    try:
        fd = os.open(path, os.O_RDONLY | (getattr(os, "O_DIRECTORY", 0) if folder else 0))
    except OSError:
        if folder:
            return
        raise
    try:
        os.fsync(fd)
    except OSError:
        if not folder:  # some file systems cannot sync a folder; a file must be synced
            raise
    finally:
        os.close(fd)


class Terminated(SystemExit):
    """SIGTERM or SIGHUP arrived while an output was being written (exit status 128 + signal)."""


@contextlib.contextmanager
def _signals_raise() -> Iterator[None]:
    """While the block runs, SIGTERM and SIGHUP raise Terminated, so that `finally` clauses clean up.

    Only in the main thread (Python delivers signals there), and only where the default action was set:
    a handler someone else installed is left alone.
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def handler(signum: int, frame: object) -> None:
        raise Terminated(128 + signum)

    saved = {}
    for sig in (signal.SIGTERM, getattr(signal, "SIGHUP", None)):
        if sig is not None and signal.getsignal(sig) is signal.SIG_DFL:
            saved[sig] = signal.signal(sig, handler)
    try:
        yield
    finally:
        for sig, previous in saved.items():
            signal.signal(sig, previous)


def write_bytes(path: Path, data: bytes, protect: Iterable[Path] = ()) -> Path:
    return atomic_write(path, lambda tmp: tmp.write_bytes(data), protect)


EPOCH = dt.datetime(1980, 1, 1, tzinfo=dt.UTC)  # when a disclosure carries no date at all


def document_date(ev: Evaluation) -> dt.datetime:
    """The date stamped into reports (UTC): publication date, else reporting period end, else
    SOURCE_DATE_EPOCH, else 1980-01-01. Never the wall clock, so the same inputs give the same bytes."""
    roles = standard_of(ev).roles
    for fid in (roles.publication_date, roles.period_end):
        fv = ev.values.get(fid)
        if fv is not None and isinstance(fv.value, dt.date):
            return dt.datetime.combine(fv.value, dt.time(), tzinfo=dt.UTC)
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "")
    if epoch.isdigit():
        return dt.datetime.fromtimestamp(int(epoch), tz=dt.UTC)
    return EPOCH


def refuse_inputs(path: Path, protect: Iterable[Path]) -> None:
    """Fail before any slow work when `path` is one of the inputs."""
    target = Path(path).resolve()
    for p in protect:
        if Path(p).resolve() == target:
            raise OutputError(f"refusing to overwrite the input file {p}; choose another output path.")
