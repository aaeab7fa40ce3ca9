"""The page: GET shows a tab, POST runs its form and shows the result (or sends the report file).

Every form works as a plain HTML form POST; static/app.js only sends the same forms with fetch, swaps
the result in without reloading (so the chosen file stays chosen) and adds drag and drop.
"""

from __future__ import annotations

from typing import NoReturn

from starlette.requests import Request
from starlette.responses import FileResponse, HTMLResponse, Response
from starlette.routing import Route

from reportgen.web import adapter, page
from reportgen.web.api import verify_uploads
from reportgen.web.errors import WebError
from reportgen.web.handling import (
    CHECK_FIELDS,
    VERIFY_FIELDS,
    attachment,
    blocking,
    choice,
    message_of,
    named,
    receive,
    status_of,
)
from reportgen.web.uploads import Form, discard

DOWNLOADS = ("pdf", "xlsx", "zip")


def _lang(request: Request, form: Form | None = None) -> str:
    return page.negotiate(
        request.query_params.get("lang"),
        form.text("lang") if form else None,
        request.headers.get("accept-language"),
    )


def _html(text: str, status: int = 200) -> HTMLResponse:
    return HTMLResponse(text, status_code=status)


async def check_tab(request: Request) -> Response:
    return _html(page.render_page(lang=_lang(request), tab="check"))


async def verify_tab(request: Request) -> Response:
    return _html(page.render_page(lang=_lang(request), tab="verify"))


async def check_post(request: Request) -> Response:
    lang = _lang(request)
    form: Form | None = None
    sample = None
    try:
        form = await receive(request, CHECK_FIELDS)
        lang = _lang(request, form)
        action = choice(form.text("action"), ("check", *DOWNLOADS), "action", "check")
        upload, sample = _chosen(form)
        ev = await blocking(adapter.check, upload, lang)
        if action in DOWNLOADS:
            name, data = await blocking(adapter.render, ev, action, form.folder)
            return attachment(name, data, adapter.MEDIA_TYPES[action])
        result = await blocking(page.check_result, ev, lang)
        return _html(page.render_page(lang=lang, tab="check", result=result, sample=sample))
    except Exception as exc:  # noqa: BLE001 — shown on the page with its status
        return _html(
            page.render_page(lang=lang, tab="check", error=message_of(exc, lang), sample=sample),
            status_of(exc),
        )
    finally:
        if form is not None:
            discard(form)


def _chosen(form: Form) -> tuple[adapter.Named, str | None]:
    """The file to work on: the sample button's, else the uploaded file, else the sample shown last."""
    samples = adapter.samples()
    wanted = form.text("try") or (None if "file" in form.files else form.text("sample"))
    if wanted is not None:
        if wanted not in samples:
            raise WebError(400, "sample", name=wanted[:60], known=", ".join(samples) or "none")
        return adapter.Named(samples[wanted], wanted), wanted
    upload = named(form.files.get("file"))
    if upload is None:
        raise WebError(400, "none")
    return upload, None


async def verify_post(request: Request) -> Response:
    lang = _lang(request)
    form: Form | None = None
    try:
        form = await receive(request, VERIFY_FIELDS)
        lang = _lang(request, form)
        if "report" not in form.files:
            raise WebError(400, "no_report")
        data = await blocking(adapter.verify, *verify_uploads(form, "report"), lang)
        return _html(page.render_page(lang=lang, tab="verify", result=page.verify_result(data, lang)))
    except Exception as exc:  # noqa: BLE001
        return _html(page.render_page(lang=lang, tab="verify", error=message_of(exc, lang)), status_of(exc))
    finally:
        if form is not None:
            discard(form)


async def sample_file(request: Request) -> Response:
    """A sample workbook, by its name in the list of samples (never a path taken from the request)."""
    path = adapter.samples().get(request.path_params["name"])
    if path is None:
        raise_not_found()
    return FileResponse(path, media_type=adapter.MEDIA_TYPES["xlsx"], filename=path.name)


def raise_not_found() -> NoReturn:
    from starlette.exceptions import HTTPException

    raise HTTPException(404)


ROUTES = [
    Route("/", check_tab, methods=["GET"]),
    Route("/", check_post, methods=["POST"]),
    Route("/verify", verify_tab, methods=["GET"]),
    Route("/verify", verify_post, methods=["POST"]),
    Route("/samples/{name}", sample_file, methods=["GET"]),
]
