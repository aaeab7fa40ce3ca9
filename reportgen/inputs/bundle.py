"""A disclosure sent with its activity tables (Annex D) as one zip, unpacked without trusting it.

The web page takes such a zip: the disclosure (YAML, JSON or workbook) and the tables its `activity`
declaration names, at the paths it names relative to itself. The archive is unpacked by the workbook
opener's bounded inflater (`xlsx_zip._prove_sizes`): every member is held to its declared size and CRC
while it is written, and the whole to MAX_UNZIPPED_BYTES, so a zip bomb costs a few MB of work. A member
name that is absolute, climbs out with `..`, uses backslashes or a drive letter, or is a link, refuses
the archive; files are created only under the destination folder, never over one another.
"""

from __future__ import annotations

import io
import stat
import zipfile
from pathlib import Path, PurePosixPath

from reportgen.errors import InputError
from reportgen.inputs import xlsx_zip

MAX_ZIP_BYTES = 50 * 1024 * 1024
MAX_UNZIPPED_BYTES = 256 * 1024 * 1024
MAX_MEMBERS = 1000
DISCLOSURE_SUFFIXES = (".yaml", ".yml", ".json", ".xlsx")


def _refuse(path: Path, why: str) -> InputError:
    return InputError(f"{path.name}: {why}")


def _safe_name(path: Path, info: zipfile.ZipInfo) -> PurePosixPath | None:
    """The member's relative path, None for a folder entry; refuses names that could leave the folder."""
    name = info.filename
    if name.endswith("/"):
        return None
    mode = info.external_attr >> 16
    parts = PurePosixPath(name).parts
    if (
        not name
        or "\\" in name
        or "\x00" in name
        or name.startswith("/")
        or (len(name) > 1 and name[1] == ":")
        or any(p in ("..", ".") for p in parts)
        or stat.S_ISLNK(mode)
    ):
        raise _refuse(
            path,
            f"the zip member {name[:120]!r} is not a plain relative file name (absolute, '..', a drive "
            "or a link); reportgen unpacks only files into the folder of the disclosure. Zip the "
            "disclosure and its tables from their own folder.",
        )
    return PurePosixPath(*parts)


def extract_bundle(path: Path, dest: Path) -> Path:
    """Unpack the zip at `path` into the new folder `dest`; return the disclosure file it holds (the
    only one, or the only one nearest the top). Raises InputError with the reason."""
    data = path.read_bytes()
    if len(data) > MAX_ZIP_BYTES:
        raise _refuse(path, f"the zip is over {MAX_ZIP_BYTES // 1048576} MiB.")
    try:
        infos = zipfile.ZipFile(io.BytesIO(data)).infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError):
        raise _refuse(path, "this is not a zip archive, or it is damaged.") from None
    if len(infos) > MAX_MEMBERS:
        raise _refuse(path, f"the zip holds more than {MAX_MEMBERS:,} files.")
    if any(i.flag_bits & 0x1 for i in infos):
        raise _refuse(path, "the zip is encrypted; send it without a password.")
    names: dict[str, PurePosixPath] = {}
    for info in infos:
        rel = _safe_name(path, info)
        if rel is None:
            continue
        if str(rel).casefold() in {str(n).casefold() for n in names.values()}:
            raise _refuse(path, f"the zip holds {str(rel)!r} twice.")
        names[info.filename] = rel
    if sum(i.file_size for i in infos) > MAX_UNZIPPED_BYTES:
        raise _bomb(path)
    dest.mkdir(mode=0o700)
    written: set[str] = set()

    def sink(info: zipfile.ZipInfo, chunk: bytes) -> None:
        rel = names.get(info.filename)
        if rel is None:
            return  # a folder entry has no data
        target = dest.joinpath(*rel.parts)
        if info.filename not in written:
            target.parent.mkdir(parents=True, exist_ok=True)
            target.open("xb").close()  # never over an existing file
            written.add(info.filename)
        with target.open("ab") as fh:
            fh.write(chunk)

    try:
        xlsx_zip._prove_sizes(path, data, infos, sink=sink, limit=MAX_UNZIPPED_BYTES)
    except InputError:
        raise _bomb(path) from None
    for member, rel in names.items():
        if member not in written:  # empty files produce no chunk
            target = dest.joinpath(*rel.parts)
            target.parent.mkdir(parents=True, exist_ok=True)
            target.open("xb").close()
    return _disclosure(path, dest, list(names.values()))


def _bomb(path: Path) -> InputError:
    return _refuse(
        path,
        f"the zip is damaged, uses a compression other than deflate, or would unpack to more than "
        f"{MAX_UNZIPPED_BYTES // 1048576} MB (each file is held to the size the zip declares); reportgen "
        "does not open it.",
    )


def _disclosure(path: Path, dest: Path, members: list[PurePosixPath]) -> Path:
    candidates = [
        m
        for m in members
        if m.suffix.lower() in DISCLOSURE_SUFFIXES
        and not any(p.startswith(".") or p == "__MACOSX" for p in m.parts)
    ]
    if not candidates:
        raise _refuse(
            path,
            "the zip holds no disclosure (a .yaml, .yml, .json or .xlsx file): put the disclosure "
            "and its activity tables in one zip.",
        )
    top = min(len(m.parts) for m in candidates)
    nearest = sorted(str(m) for m in candidates if len(m.parts) == top)
    if len(nearest) > 1:
        raise _refuse(
            path,
            f"the zip holds several disclosures ({', '.join(nearest[:5])}): send one disclosure with its "
            "tables per zip.",
        )
    return dest.joinpath(*PurePosixPath(nearest[0]).parts)


def relative_name(dest: Path, disclosure: Path) -> str:
    """The disclosure's name inside the zip, as the user wrote it (for messages)."""
    return disclosure.relative_to(dest).as_posix()
