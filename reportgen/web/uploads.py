"""Multipart uploads streamed into a private temporary folder, with limits checked while reading.

Starlette's own form parser spools files to anonymous files of the system temp folder and knows no
total size; here every part is counted as it arrives, so a body over its limit is refused (413) before it
has been read whole, and a file is written only into the request's own folder (`mkdtemp`, mode 0700)
under a name chosen by the server (`report.pdf`, `input.xlsx`): the name the client sends is kept as
text, for messages, and never touches the file system.
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

from python_multipart.exceptions import FormParserError
from python_multipart.multipart import MultipartParser, parse_options_header

from reportgen.web.errors import WebError

TEXT_LIMIT = 1024  # a text field (lang, sample, edition) is a short word
OVERHEAD = 64 * 1024  # multipart headers and text fields, on top of the files' own limits


@dataclass(frozen=True)
class FileSpec:
    """One file field an endpoint accepts: the stem it is stored under, its suffixes, its size limit."""

    stem: str
    suffixes: tuple[str, ...]
    limit: int
    larger: tuple[tuple[str, int], ...] = ()  # (suffix, limit) of suffixes allowed more (a zip of tables)

    def limit_for(self, suffix: str) -> int:
        return dict(self.larger).get(suffix, self.limit)

    @property
    def most(self) -> int:
        return max([self.limit, *(n for _, n in self.larger)])


@dataclass
class Upload:
    """A received file: where the server stored it and the name the client gave (display only)."""

    path: Path
    name: str
    size: int = 0


@dataclass
class Form:
    folder: Path
    files: dict[str, Upload] = field(default_factory=dict)
    fields: dict[str, str] = field(default_factory=dict)

    def text(self, key: str) -> str | None:
        value = self.fields.get(key, "").strip()
        return value or None


def display_name(raw: str, fallback: str) -> str:
    """The client's file name for messages: its last path part, printable, at most 120 characters."""
    name = raw.replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(c for c in name if c.isprintable()).strip()
    return name[:120] or fallback


def sniff_suffix(head: bytes, spec: FileSpec) -> str:
    """The suffix of a file sent without a usable name, from its first bytes."""
    if head.startswith(b"%PDF-") and ".pdf" in spec.suffixes:
        return ".pdf"
    if head.startswith(b"PK\x03\x04") and ".xlsx" in spec.suffixes:
        return ".xlsx"
    if head.lstrip().startswith(b"{") and ".json" in spec.suffixes:
        return ".json"
    return spec.suffixes[0]


def size_text(n: int) -> str:
    return f"{n / 1048576:.0f} MiB" if n >= 1048576 else f"{n / 1024:.0f} KiB"


class _Receiver:
    """python-multipart callbacks: each part goes to a file of the folder, a short text, or nowhere."""

    def __init__(self, form: Form, specs: dict[str, FileSpec]) -> None:
        self.form, self.specs = form, specs
        self._hname = self._hvalue = b""
        self._begin()

    def _begin(self) -> None:
        self.headers: dict[bytes, bytes] = {}
        self.name: str | None = None
        self.kind = "drop"  # file | text | drop
        self.spec: FileSpec | None = None
        self.shown = ""
        self.sink: IO[bytes] | None = None
        self.size = 0
        self.limit = 0
        self.buffer = bytearray()  # a text field's value, or a file's first bytes before it is opened

    def on_part_begin(self) -> None:
        self._begin()

    def on_header_field(self, data: bytes, start: int, end: int) -> None:
        self._hname += data[start:end]

    def on_header_value(self, data: bytes, start: int, end: int) -> None:
        self._hvalue += data[start:end]

    def on_header_end(self) -> None:
        self.headers[self._hname.strip().lower()] = self._hvalue.strip()
        self._hname = self._hvalue = b""

    def on_headers_finished(self) -> None:
        _, options = parse_options_header(self.headers.get(b"content-disposition", b""))
        if b"name" not in options:
            raise WebError(400, "part_name")
        self.name = options[b"name"].decode("utf-8", "replace")
        if b"filename" not in options:
            self.kind = "text"
        elif self.name in self.specs:
            self.kind, self.spec = "file", self.specs[self.name]
            self.shown = display_name(options[b"filename"].decode("utf-8", "replace"), self.spec.stem)
            suffix = Path(self.shown).suffix.lower()
            if suffix and suffix not in self.spec.suffixes and options[b"filename"]:
                raise WebError(415, "type", name=self.shown, suffixes=", ".join(self.spec.suffixes))
            self.limit = self.spec.limit_for(suffix)

    def on_part_data(self, data: bytes, start: int, end: int) -> None:
        if self.kind == "drop":
            return
        chunk = data[start:end]
        if self.kind == "text":
            self.buffer += chunk
            if len(self.buffer) > TEXT_LIMIT:
                raise WebError(413, "field_size", field=self.name, limit=TEXT_LIMIT)
            return
        assert self.spec is not None
        self.size += len(chunk)
        if self.size > self.limit:
            raise WebError(413, "file_size", name=self.shown, limit=size_text(self.limit))
        if self.sink is None:
            self.buffer += chunk
            if len(self.buffer) >= 8:
                self._open()
            return
        self.sink.write(chunk)

    def _open(self) -> None:
        """Create the stored file once its first bytes are known (they give the suffix when unnamed)."""
        assert self.spec is not None and self.name is not None
        suffix = Path(self.shown).suffix.lower()
        if suffix not in self.spec.suffixes:
            suffix = sniff_suffix(bytes(self.buffer), self.spec)
        path = self.form.folder / f"{self.spec.stem}{suffix}"
        self.sink = open(path, "xb")
        self.sink.write(self.buffer)
        self.buffer = bytearray()
        self.form.files[self.name] = Upload(path, self.shown)

    def on_part_end(self) -> None:
        if self.kind == "text" and self.name is not None:
            self.form.fields.setdefault(self.name, self.buffer.decode("utf-8", "replace"))
        elif self.kind == "file" and self.size:  # an empty file input (no file chosen) is no upload
            if self.sink is None:
                self._open()
            assert self.sink is not None and self.name is not None
            self.sink.close()
            self.sink = None
            self.form.files[self.name].size = self.size

    def close(self) -> None:
        if self.sink is not None:
            self.sink.close()


async def receive_form(
    content_type: str | None,
    content_length: str | None,
    stream: AsyncIterator[bytes],
    specs: dict[str, FileSpec],
    tmp_root: Path | None = None,
) -> Form:
    """Parse a multipart body into a new private folder; the caller deletes it with `discard(form)`.

    Refused: a body that is not multipart (415), a declared or counted body over the sum of the limits
    (413, before reading it when Content-Length says so), a file over its own limit (413, as soon as the
    count passes it), a named file whose suffix the field does not take (415).
    """
    ctype, params = parse_options_header(content_type or "")
    if ctype != b"multipart/form-data" or b"boundary" not in params:
        raise WebError(415, "multipart")
    per_file = size_text(max(s.most for s in specs.values()))
    body_limit = sum(s.most for s in specs.values()) + OVERHEAD
    if content_length and content_length.isdigit() and int(content_length) > body_limit:
        raise WebError(413, "body_size", size=size_text(int(content_length)), limit=per_file)
    folder = Path(tempfile.mkdtemp(prefix="reportgen-web-", dir=tmp_root))
    form = Form(folder)
    receiver = _Receiver(form, specs)
    try:
        parser = MultipartParser(
            params[b"boundary"],
            {
                "on_part_begin": receiver.on_part_begin,
                "on_part_data": receiver.on_part_data,
                "on_part_end": receiver.on_part_end,
                "on_header_field": receiver.on_header_field,
                "on_header_value": receiver.on_header_value,
                "on_header_end": receiver.on_header_end,
                "on_headers_finished": receiver.on_headers_finished,
            },
        )
        received = 0
        async for chunk in stream:
            received += len(chunk)
            if received > body_limit:
                raise WebError(413, "body_size", size=f"> {size_text(body_limit)}", limit=per_file)
            parser.write(chunk)
        parser.finalize()
    except FormParserError:
        receiver.close()
        discard(form)
        raise WebError(400, "multipart_broken") from None
    except BaseException:
        receiver.close()
        discard(form)
        raise
    return form


def discard(form: Form) -> None:
    """Delete the request's folder and everything in it."""
    shutil.rmtree(form.folder, ignore_errors=True)
