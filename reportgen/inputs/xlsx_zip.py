"""The one way reportgen opens a workbook: a filled template (`check`, `template --from`) or a report
(`verify`). Nothing here trusts the file.

1. The container is refused before openpyxl sees it when it is not a plain .xlsx (old .xls, encrypted,
   .ods, macros, not a workbook).
2. Every zip member is inflated once, in small steps, counting the bytes actually produced. A zip
   declares its members' sizes, but an attacker writes those: a member that yields more than it
   declares, or a workbook that yields more than MAX_UNZIPPED_BYTES in all, is refused the moment it
   does, after a few MB of work. Once every declared size is proven true (size, CRC, end of the deflate
   stream), openpyxl's own reads, which trust them, are bounded by them.
3. While openpyxl parses, the XML tags it reads are counted against MAX_TAGS: parsing costs time per
   tag, so this bounds the work whatever the shape of the sheets (a million rows, 16,384 columns, one
   huge shared-strings table). A reader catches `TooManyTags` to stop early and say so; elsewhere it is
   an ordinary InputError (exit 2).
4. Sheets are parsed lazily (read-only mode), so `rows_of` turns a malformed sheet into an InputError
   naming it. A report (`open_report`) is loaded whole instead, and refused if a sheet reaches further
   than reportgen writes: walking it would create every empty cell up to its end.
"""

from __future__ import annotations

import io
import struct
import warnings
import zipfile
import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any, Literal

from reportgen.errors import InputError

MAX_FILE_BYTES = 20 * 1024 * 1024
MAX_UNZIPPED_BYTES = 64 * 1024 * 1024  # a report or filled template unpacks to about 0.3 MB
MAX_MEMBERS = 10_000
MAX_RATIO = 100  # inflated ÷ compressed, checked on members above RATIO_FLOOR bytes
RATIO_FLOOR = 10 * 1024 * 1024
MAX_REPORT_ROWS, MAX_REPORT_COLUMNS = 20_000, 50  # a report has at most 13 columns and rarely 2,000 rows
MAX_TAGS = 300_000  # XML tags parsed per workbook opened; a template or report reads in 9,000–16,000
_STEP = 256 * 1024  # bytes in and out per inflating step
_LOCAL_HEADER = struct.Struct("<4s2B4HL2L2H")  # zip local file header (APPNOTE 4.3.7), 30 bytes
_OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
REOPEN = "Open it in Excel or LibreOffice and save it again as .xlsx."


class TooManyTags(InputError):
    """openpyxl has read MAX_TAGS XML tags from this workbook: no disclosure or report comes near."""

    def __init__(self, limit: int, message: str) -> None:
        super().__init__(message)
        self.limit = limit


class TagBudget:
    """XML tags left to parse; one budget may be shared by several loads of the same file."""

    def __init__(self, path: Path, limit: int | None = None) -> None:
        self.limit = self.left = limit or MAX_TAGS
        self.path = path

    def spend(self, data: bytes) -> None:
        self.left -= data.count(b"<")
        if self.left < 0:
            raise TooManyTags(
                self.limit,
                f"{self.path.name}: the workbook holds more than {self.limit:,} XML "
                "tags, far more than any disclosure workbook or report (about 15,000); reportgen "
                "does not read further. Remove the extra rows, columns or sheets, or copy your "
                "values into a fresh `reportgen template`.",
            )


def refuse(path: Path, why: str) -> InputError:
    return InputError(f"{path.name}: {why}")


def open_workbook(
    path: Path,
    data: bytes,
    *,
    data_only: bool = True,
    read_only: bool = True,
    budget: TagBudget | None = None,
) -> Any:
    """An openpyxl workbook over `data` (the bytes of `path`), after every check above. Close it after use.

    Parsing past the budget (default MAX_TAGS) raises TooManyTags: at load, or (read-only) while rows
    are read."""
    check_container(path, data)
    return load_checked(path, data, data_only=data_only, read_only=read_only, budget=budget)


def open_report(path: Path, data: bytes) -> Any:
    """A workbook report (`verify`), loaded whole: verify reads its sheets several times, and a bad part
    then fails here, once. A sheet reaching further than reportgen ever writes is refused, as walking it
    would create every empty cell up to its end."""
    wb = open_workbook(path, data, data_only=True, read_only=False)
    for ws in wb.worksheets:
        if ws.max_row > MAX_REPORT_ROWS or ws.max_column > MAX_REPORT_COLUMNS:
            wb.close()
            raise refuse(
                path,
                f"the sheet '{ws.title}' reaches row {ws.max_row:,}, column {ws.max_column:,}; "
                f"reportgen writes reports of at most {MAX_REPORT_COLUMNS} columns and "
                f"{MAX_REPORT_ROWS:,} rows, so this is not a report it made.",
            )
    return wb


def load_checked(
    path: Path, data: bytes, *, data_only: bool, read_only: bool = True, budget: TagBudget | None = None
) -> Any:
    """openpyxl over bytes that `check_container` accepted, its reads charged to a tag budget."""
    from openpyxl.reader.excel import ExcelReader  # kept off the YAML path

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # openpyxl warns about extensions it drops; irrelevant here
            reader = ExcelReader(io.BytesIO(data), read_only=read_only, data_only=data_only)
            reader.archive = _CountingZip(io.BytesIO(data), budget or TagBudget(path))
            reader.valid_files = reader.archive.namelist()
            reader.read()
            return reader.wb
    except InputError:
        raise
    except Exception as exc:  # openpyxl raises many types (ParseError, KeyError, ...) on malformed parts
        raise refuse(
            path, f"the workbook cannot be read ({type(exc).__name__}: {str(exc)[:120]}). {REOPEN}"
        ) from None


def rows_of(path: Path, ws: Any, **kw: Any) -> Iterator[tuple[Any, ...]]:
    """`ws.iter_rows(**kw)` of a read-only sheet, whose XML is parsed only now: a malformed sheet is an
    InputError naming it (exit 2), not whatever openpyxl raised."""
    rows = ws.iter_rows(**kw)
    while True:
        try:
            row = next(rows)
        except StopIteration:
            return
        except InputError:
            raise
        except Exception as exc:  # ParseError, ValueError, IndexError...: all mean a damaged sheet
            raise refuse(
                path, f"the sheet '{ws.title}' is damaged ({type(exc).__name__}: {str(exc)[:120]}). {REOPEN}"
            ) from None
        yield row


def check_container(path: Path, data: bytes) -> zipfile.ZipFile:
    """Refuse what openpyxl must not be handed; return the zip, every member proven to hold what it says."""
    suffix = path.suffix.lower()
    if data.startswith(_OLE2[:4]):
        if suffix == ".xls":
            raise refuse(
                path,
                "this is the old Excel 97–2003 format (.xls), which reportgen does not read. "
                "Open it in Excel or LibreOffice and save it as an Excel workbook (.xlsx).",
            )
        raise refuse(
            path,
            "this workbook is password-protected (encrypted), or in the old .xls format. "
            "Remove the password (in Excel: File > Info > Protect Workbook) and save it as "
            ".xlsx.",
        )
    if not data.startswith(b"PK"):
        raise refuse(
            path,
            "this is not an Excel .xlsx workbook (it is not a zip archive): the file is "
            "damaged or in another format. Save it from Excel or LibreOffice as .xlsx.",
        )
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        infos = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError):
        raise refuse(
            path,
            "the workbook is damaged (its zip structure cannot be read). Open it in "
            "Excel or LibreOffice, let it repair the file, and save it again.",
        ) from None
    names = {i.filename for i in infos}
    if (
        len(infos) > MAX_MEMBERS
        or sum(i.file_size for i in infos) > MAX_UNZIPPED_BYTES
        or any(i.file_size > RATIO_FLOOR and i.file_size > MAX_RATIO * max(i.compress_size, 1) for i in infos)
    ):  # declared sizes: a cheap first refusal; _prove_sizes then holds every member to them
        raise _bomb(path)
    if any(i.flag_bits & 0x1 for i in infos):
        raise refuse(path, "parts of the workbook are encrypted. Remove the password and save it as .xlsx.")
    _prove_sizes(path, data, infos)
    if "mimetype" in names and b"opendocument" in archive.read("mimetype"):
        raise refuse(
            path,
            "this is an OpenDocument spreadsheet (.ods). In LibreOffice, use File > Save As "
            "and choose Excel 2007-365 (.xlsx).",
        )
    if any(n.lower().endswith("vbaproject.bin") for n in names):
        raise refuse(
            path,
            "the workbook contains macros (.xlsm), which reportgen does not open. Save it "
            "as an Excel workbook without macros (.xlsx).",
        )
    if "xl/workbook.xml" not in names:
        raise refuse(
            path,
            "this zip file is not an Excel workbook (it has no xl/workbook.xml). Save the "
            "spreadsheet from Excel or LibreOffice as .xlsx.",
        )
    return archive


def _bomb(path: Path, member: str | None = None) -> InputError:
    lie = f" (its part {member} holds more than its zip header declares)" if member else ""
    return refuse(
        path,
        f"the workbook would unpack to more than {MAX_UNZIPPED_BYTES // 1048576} MB or is "
        f"abnormally compressed{lie}: a zip bomb, or a damaged file; reportgen does not open "
        "it. A disclosure workbook or report unpacks to well under 1 MB: save it again from "
        "Excel or LibreOffice, or start again from `reportgen template`.",
    )


def _prove_sizes(
    path: Path, data: bytes, infos: list[zipfile.ZipInfo], sink: Any = None, limit: int = MAX_UNZIPPED_BYTES
) -> None:
    """Inflate every member and check it ends exactly at its declared size and CRC; the output is
    discarded, or given to `sink(info, chunk)` as it comes (extract_bounded writes it to a file)."""
    left = limit
    view = memoryview(data)
    for info in infos:
        raw = _compressed(path, view, info)
        if info.compress_type == zipfile.ZIP_STORED:
            size, crc = len(raw), zlib.crc32(raw)
            if size != info.file_size:
                raise _damaged(path, info.filename)
            if sink is not None:
                sink(info, bytes(raw))
        elif info.compress_type == zipfile.ZIP_DEFLATED:
            size, crc = _inflate(path, raw, info, min(info.file_size, left), sink)
        else:  # bzip2, LZMA, ...: no spreadsheet writes them
            raise refuse(
                path,
                f"the workbook part {info.filename} is compressed in a way Excel does not use "
                f"(method {info.compress_type}). {REOPEN}",
            )
        if crc != info.CRC:
            raise _damaged(path, info.filename)
        left -= size


def _compressed(path: Path, view: memoryview, info: zipfile.ZipInfo) -> memoryview:
    """The member's compressed bytes, located as zipfile does (through its local header)."""
    start = info.header_offset
    head = bytes(view[start : start + _LOCAL_HEADER.size])
    if len(head) < _LOCAL_HEADER.size or head[:4] != b"PK\x03\x04":
        raise _damaged(path, info.filename)
    *_, name_len, extra_len = _LOCAL_HEADER.unpack(head)
    begin = start + _LOCAL_HEADER.size + name_len + extra_len
    end = begin + info.compress_size
    if end > len(view):
        raise _damaged(path, info.filename)
    return view[begin:end]


def _inflate(
    path: Path, raw: memoryview, info: zipfile.ZipInfo, limit: int, sink: Any = None
) -> tuple[int, int]:
    """(size, crc) of a deflated member, refusing it as soon as it yields more than `limit` bytes."""
    inflater = zlib.decompressobj(-zlib.MAX_WBITS)
    size = crc = pos = 0
    try:
        while not inflater.eof:
            if inflater.unconsumed_tail:
                chunk = inflater.unconsumed_tail
            else:
                chunk = bytes(raw[pos : pos + _STEP])
                pos += len(chunk)
            out = inflater.decompress(chunk, _STEP)
            size += len(out)
            if size > limit:
                raise _bomb(path, info.filename if size > info.file_size else None)
            crc = zlib.crc32(out, crc)
            if sink is not None and out:
                sink(info, out)
            if not out and not chunk:
                break  # input exhausted before the end of the deflate stream
    except zlib.error:
        raise _damaged(path, info.filename) from None
    if not inflater.eof or size != info.file_size:
        raise _damaged(path, info.filename)
    return size, crc


def _damaged(path: Path, member: str) -> InputError:
    return refuse(
        path,
        f"the workbook is damaged (its part {member} does not hold what the zip directory says). {REOPEN}",
    )


class _CountingZip(zipfile.ZipFile):
    """A zip whose members, as openpyxl reads them, charge their XML tags to a budget."""

    def __init__(self, file: Any, budget: TagBudget) -> None:
        super().__init__(file)
        self.budget = budget

    def open(self, name: Any, mode: Literal["r", "w"] = "r", pwd: bytes | None = None, **kw: Any) -> Any:
        stream = super().open(name, mode, pwd, **kw)
        return _Counted(stream, self.budget) if mode == "r" else stream


class _Counted(io.RawIOBase):
    """A member stream that charges each read to its zip's tag budget."""

    def __init__(self, stream: Any, budget: TagBudget) -> None:
        super().__init__()
        self.stream, self.budget = stream, budget

    def readable(self) -> bool:
        return True

    def read(self, size: int = -1) -> bytes:
        data = self.stream.read(size)
        self.budget.spend(data)
        return data

    def readinto(self, buffer: Any) -> int:
        data = self.read(len(buffer))
        buffer[: len(data)] = data
        return len(data)

    def close(self) -> None:
        self.stream.close()
        super().close()
