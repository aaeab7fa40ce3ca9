"""What the page handlers and the API handlers share: uploads, parameters, blocking work, error statuses."""

from __future__ import annotations

import functools
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import anyio
import anyio.to_thread
from starlette.requests import Request
from starlette.responses import Response

from reportgen.web import adapter
from reportgen.web.errors import WebError
from reportgen.web.uploads import FileSpec, Form, Upload, receive_form

T = TypeVar("T")

INPUT = FileSpec(
    "input", (*adapter.INPUT_SUFFIXES, ".zip"), adapter.UPLOAD_LIMIT, ((".zip", adapter.BUNDLE_LIMIT),)
)
REPORT = FileSpec("report", adapter.REPORT_SUFFIXES, adapter.UPLOAD_LIMIT)
SIGNATURE = FileSpec("signature", (".json",), adapter.SIGNATURE_LIMIT)
PUBLIC_KEY = FileSpec("public-key", (".pem", ".pub", ".txt"), adapter.KEY_LIMIT)
CHECK_FIELDS = {"file": INPUT}
VERIFY_FIELDS = {"report": REPORT, "input": INPUT, "signature": SIGNATURE, "public_key": PUBLIC_KEY}

# Evaluations and renders run in worker threads, a few at a time: the event loop keeps answering while
# a PDF is made, and a burst of uploads queues instead of taking all the memory.
_WORKERS = anyio.CapacityLimiter(4)


async def blocking(fn: Callable[..., T], *args: Any) -> T:
    """Run library work off the event loop (a worker thread)."""
    return await anyio.to_thread.run_sync(functools.partial(fn, *args), limiter=_WORKERS)


async def receive(request: Request, specs: dict[str, FileSpec]) -> Form:
    """The request's multipart body, streamed into its private folder (see uploads.receive_form)."""
    tmp_root: Path | None = request.app.state.tmp_root
    return await receive_form(
        request.headers.get("content-type"),
        request.headers.get("content-length"),
        request.stream(),
        specs,
        tmp_root,
    )


def named(upload: Upload | None) -> adapter.Named | None:
    return adapter.Named(upload.path, upload.name) if upload is not None else None


def choice(value: str | None, allowed: tuple[str, ...], name: str, default: str | None = None) -> str | None:
    """A query or form parameter that must be one of `allowed` (400 otherwise); `default` when absent."""
    if value is None or value == "":
        return default
    if value not in allowed:
        raise WebError(400, "param", name=name, allowed=", ".join(allowed), got=value[:40])
    return value


def edition(value: str | None) -> adapter.Edition:
    """`D1`, `AILD D1` (any case) or nothing (the latest shipped edition)."""
    known = adapter.editions()
    if not value:
        return known[-1]
    wanted = " ".join(value.split()).casefold()
    for e in known:
        if wanted in (e.edition.casefold(), e.label.casefold()):
            return e
    raise WebError(400, "param", name="edition", allowed=", ".join(e.edition for e in known), got=value[:40])


def status_of(exc: BaseException) -> int:
    """HTTP status of an error: the web's own, 400 for what reportgen refuses to read, else 500."""
    if isinstance(exc, WebError):
        return exc.status
    if isinstance(exc, adapter.LibraryError):
        return 400
    return 500


def message_of(exc: BaseException, lang: str) -> str:
    """The user's message: the web's own in the page language, reportgen's word for word (as the CLI)."""
    if isinstance(exc, WebError):
        return exc.message(lang)
    if isinstance(exc, adapter.LibraryError):
        return str(exc)
    return adapter.text("web_err_internal", lang).format(error=type(exc).__name__)


def attachment(name: str, data: bytes, media_type: str, **headers: str) -> Response:
    return Response(
        data,
        media_type=media_type,
        headers={"content-disposition": f'attachment; filename="{name}"', **headers},
    )
