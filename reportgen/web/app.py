"""The ASGI application of `reportgen serve`: routes, static assets, error pages, the security guard."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response
from starlette.routing import Mount
from starlette.staticfiles import StaticFiles

from reportgen.web import adapter, api, views
from reportgen.web.page import negotiate
from reportgen.web.security import Guard

__all__ = ["create_app"]


async def _http_error(request: Request, exc: Exception) -> Response:
    """404 and 405 as JSON under /api/, as text elsewhere, in the browser's language."""
    assert isinstance(exc, HTTPException)
    key = {404: "web_err_not_found", 405: "web_err_method"}.get(exc.status_code)
    lang = negotiate(None, None, request.headers.get("accept-language"))
    message = adapter.text(key, lang).format(method=request.method) if key else str(exc.detail)
    if request.url.path.startswith("/api/"):
        return JSONResponse(
            {
                "error": adapter.text(key, "en").format(method=request.method) if key else str(exc.detail),
                "status": exc.status_code,
            },
            status_code=exc.status_code,
        )
    return PlainTextResponse(message, status_code=exc.status_code)


def create_app(
    *,
    token: str | None = None,
    loopback: bool = True,
    tmp_root: Path | None = None,
    extra_hosts: tuple[str, ...] = (),
) -> Any:
    """The app, wrapped in its guard.

    token: required on every request when given (always given for a non-loopback address).
    loopback: the server listens on a loopback address, so only loopback Host names are answered.
    tmp_root: where the private per-request folders are made (default: the system's temp folder).
    extra_hosts: more Host names to answer on loopback (tests use `testserver`).
    """
    static = StaticFiles(directory=str(adapter.web_templates() / "static"))
    app = Starlette(
        routes=[*views.ROUTES, *api.ROUTES, Mount("/static", static, name="static")],
        exception_handlers={HTTPException: _http_error},
    )
    app.state.tmp_root = tmp_root
    return Guard(app, token=token, loopback=loopback, extra_hosts=extra_hosts)
