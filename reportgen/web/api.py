"""The JSON API: the CLI's work over HTTP, with the CLI's JSON and messages (templates/web/openapi.yaml).

POST /api/check      multipart `file` [+ `lang`]   → `reportgen check --format json`'s object (200, also
                                                      when the disclosure is incomplete or has errors)
POST /api/render     multipart `file`, ?format=pdf|xlsx|zip&lang=en|fr → the report file
GET  /api/template   ?lang=en|fr&edition=D1        → the blank fill-in workbook
POST /api/verify     multipart `report` [+ `input`, `signature` + `public_key`] → verify's JSON object
GET  /api/editions, /api/openapi.json
Errors: {"error": message, "status": code} with 400 (unreadable), 401, 403, 404, 405, 413, 415, 500.
"""

from __future__ import annotations

import functools
import json
import tempfile
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import yaml
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from reportgen.web import adapter
from reportgen.web.errors import WebError
from reportgen.web.handling import (
    CHECK_FIELDS,
    VERIFY_FIELDS,
    attachment,
    blocking,
    choice,
    edition,
    message_of,
    named,
    receive,
    status_of,
)
from reportgen.web.uploads import Form, discard

Handler = Callable[[Request], Awaitable[Response]]


def error_response(exc: BaseException) -> JSONResponse:
    status = status_of(exc)
    return JSONResponse({"error": message_of(exc, "en"), "status": status}, status_code=status)


def json_errors(handler: Handler) -> Handler:
    """Every failure of an API handler becomes the JSON error object, never a traceback."""

    @functools.wraps(handler)
    async def wrapped(request: Request) -> Response:
        try:
            return await handler(request)
        except Exception as exc:  # noqa: BLE001 — mapped to a status; internal errors say so
            return error_response(exc)

    return wrapped


def _file(form: Form, field: str) -> adapter.Named:
    upload = named(form.files.get(field))
    if upload is None:
        raise WebError(400, "missing_field", field=field)
    return upload


@json_errors
async def check(request: Request) -> Response:
    form = await receive(request, CHECK_FIELDS)
    try:
        lang = choice(request.query_params.get("lang") or form.text("lang"), adapter.LANGS, "lang")
        ev = await blocking(adapter.check, _file(form, "file"), lang)
        return JSONResponse(adapter.check_json(ev))
    finally:
        discard(form)


@json_errors
async def render(request: Request) -> Response:
    fmt = choice(request.query_params.get("format"), adapter.FORMATS, "format", "pdf")
    lang = choice(request.query_params.get("lang"), adapter.LANGS, "lang")
    form = await receive(request, CHECK_FIELDS)
    try:
        ev = await blocking(adapter.check, _file(form, "file"), lang)
        name, data = await blocking(adapter.render, ev, fmt, form.folder)
        return attachment(name, data, adapter.MEDIA_TYPES[fmt or "pdf"], **{"x-reportgen-status": ev.status})
    finally:
        discard(form)


@json_errors
async def template(request: Request) -> Response:
    lang = choice(request.query_params.get("lang"), adapter.LANGS, "lang", "en") or "en"
    chosen = edition(request.query_params.get("edition"))
    folder = Path(tempfile.mkdtemp(prefix="reportgen-web-", dir=request.app.state.tmp_root))
    try:
        name, data = await blocking(adapter.template, lang, chosen, folder)
    finally:
        discard(Form(folder))
    return attachment(name, data, adapter.MEDIA_TYPES["xlsx"])


@json_errors
async def verify(request: Request) -> Response:
    form = await receive(request, VERIFY_FIELDS)
    try:
        return JSONResponse(await blocking(adapter.verify, *verify_uploads(form, "report")))
    finally:
        discard(form)


def verify_uploads(form: Form, report_field: str) -> tuple[adapter.Named, Any, Any, Any]:
    """The report and the optional files of a verification; a signature needs its public key."""
    signature, key = named(form.files.get("signature")), named(form.files.get("public_key"))
    if (signature is None) != (key is None):
        raise WebError(400, "pair")
    return _file(form, report_field), named(form.files.get("input")), signature, key


@json_errors
async def editions(request: Request) -> Response:
    known = adapter.editions()
    return JSONResponse(
        {
            "editions": [{"id": e.id, "edition": e.edition} for e in known],
            "latest": known[-1].edition if known else None,
        }
    )


@functools.lru_cache(maxsize=1)
def openapi_document() -> dict[str, Any]:
    """templates/web/openapi.yaml, with the Evaluation schema generated from the model it describes."""
    with (adapter.web_templates() / "openapi.yaml").open(encoding="utf-8") as fh:
        doc = yaml.safe_load(fh)
    doc["info"]["version"] = adapter.VERSION
    schema = adapter.evaluation_schema()
    defs = schema.pop("$defs", {})
    components = doc.setdefault("components", {}).setdefault("schemas", {})
    components.update(
        {
            name: json.loads(json.dumps(s).replace("#/$defs/", "#/components/schemas/"))
            for name, s in defs.items()
        }
    )
    components["Evaluation"] = json.loads(json.dumps(schema).replace("#/$defs/", "#/components/schemas/"))
    return doc


async def openapi(request: Request) -> Response:
    return JSONResponse(openapi_document())


ROUTES = [
    Route("/api/check", check, methods=["POST"]),
    Route("/api/render", render, methods=["POST"]),
    Route("/api/template", template, methods=["GET"]),
    Route("/api/verify", verify, methods=["POST"]),
    Route("/api/editions", editions, methods=["GET"]),
    Route("/api/openapi.json", openapi, methods=["GET"]),
]
