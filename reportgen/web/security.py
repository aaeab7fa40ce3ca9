"""What every request and response goes through: the access token, the Host and Origin checks, headers.

- **Token**: when the server was started with one (always, for an address other than loopback), each
  request must carry it — `Authorization: Bearer TOKEN`, the cookie set on the first visit, or `?token=`
  on that first visit, which is then moved into an HttpOnly cookie and out of the address bar. It is
  compared with `hmac.compare_digest`, in constant time.
- **Host**: on loopback, only `127.0.0.1`, `localhost` and `[::1]` are answered, so a web page whose
  DNS name is made to point at 127.0.0.1 (DNS rebinding) cannot talk to the server.
- **Origin**: a POST that another site's page sends (its Origin is not this server) is refused.
- **Headers**: a strict Content-Security-Policy (scripts, styles and images from this server only, no
  inline script), no sniffing, no referrer, no framing, and no caching of results.
"""

from __future__ import annotations

import hmac
import json
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit

from starlette.types import ASGIApp, Message, Scope

COOKIE = "reportgen_token"
LOOPBACK_NAMES = ("127.0.0.1", "localhost", "::1")
CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; font-src 'self'; "
    "connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'"
)
HEADERS = [
    (b"content-security-policy", CSP.encode()),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"no-referrer"),
    (b"x-frame-options", b"DENY"),
    (b"cross-origin-opener-policy", b"same-origin"),
    (b"cross-origin-resource-policy", b"same-origin"),
]


def is_loopback(host: str) -> bool:
    return host in LOOPBACK_NAMES or host.startswith("127.")


def token_matches(given: str | None, token: str) -> bool:
    """Constant-time comparison (hmac.compare_digest), also when `given` is missing or of another length."""
    return hmac.compare_digest((given or "").encode("utf-8"), token.encode("utf-8"))


def _hostname(value: str) -> str:
    """`127.0.0.1:8765` → `127.0.0.1`; `[::1]:8765` → `::1`."""
    try:
        return (urlsplit(f"//{value}").hostname or "").lower()
    except ValueError:
        return ""


class Guard:
    """ASGI middleware applying the rules of the module docstring, then the security headers."""

    def __init__(
        self, app: ASGIApp, *, token: str | None, loopback: bool, extra_hosts: tuple[str, ...] = ()
    ) -> None:
        self.app, self.token, self.loopback = app, token, loopback
        self.hosts = {*LOOPBACK_NAMES, *extra_hosts}

    async def __call__(self, scope: Scope, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope["headers"]}

        async def send_secured(message: Message) -> None:
            if message["type"] == "http.response.start":
                present = {k.lower() for k, _ in message.get("headers", [])}
                extra = [(k, v) for k, v in HEADERS if k not in present]
                if b"cache-control" not in present:
                    extra.append((b"cache-control", b"no-store"))
                message = {**message, "headers": [*message.get("headers", []), *extra]}
            await send(message)

        host = _hostname(headers.get("host", ""))
        if self.loopback and host not in self.hosts:
            await _refuse(scope, send_secured, 400, "web_err_host")
            return
        if scope["method"] == "POST" and "origin" in headers:
            origin = urlsplit(headers["origin"]).netloc.lower()
            if origin != headers.get("host", "").lower():
                await _refuse(scope, send_secured, 403, "web_err_origin")
                return
        if self.token is not None:
            query = dict(parse_qsl(scope.get("query_string", b"").decode("latin-1")))
            auth = headers.get("authorization", "")
            bearer = auth[7:].strip() if auth[:7].lower() == "bearer " else None
            if token_matches(query.get("token"), self.token) and scope["method"] == "GET":
                await _enter_with_token(scope, send_secured, self.token, query)
                return
            if not (token_matches(bearer, self.token) or token_matches(_cookie(headers), self.token)):
                await _refuse(scope, send_secured, 401, "web_err_token")
                return
        await self.app(scope, receive, send_secured)


def _cookie(headers: dict[str, str]) -> str | None:
    for part in headers.get("cookie", "").split(";"):
        name, _, value = part.strip().partition("=")
        if name == COOKIE:
            return value
    return None


async def _enter_with_token(scope: Scope, send: Any, token: str, query: dict[str, str]) -> None:
    """First visit with `?token=`: keep it in an HttpOnly cookie and show the address without it."""
    rest = urlencode({k: v for k, v in query.items() if k != "token"})
    location = scope["path"] + (f"?{rest}" if rest else "")
    cookie = f"{COOKIE}={token}; Path=/; HttpOnly; SameSite=Strict"
    await send(
        {
            "type": "http.response.start",
            "status": 303,
            "headers": [
                (b"location", location.encode("latin-1")),
                (b"set-cookie", cookie.encode("latin-1")),
                (b"content-length", b"0"),
            ],
        }
    )
    await send({"type": "http.response.body", "body": b""})


async def _refuse(scope: Scope, send: Any, status: int, key: str) -> None:
    """A refusal before the app runs: JSON for /api/, plain text otherwise, in English and French."""
    from reportgen.web import adapter

    en, fr = adapter.text(key, "en"), adapter.text(key, "fr")
    if scope["path"].startswith("/api/"):
        body, ctype = json.dumps({"error": en, "status": status}).encode(), b"application/json"
    else:
        body, ctype = f"{en}\n\n{fr}\n".encode(), b"text/plain; charset=utf-8"
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [(b"content-type", ctype), (b"content-length", str(len(body)).encode())],
        }
    )
    await send({"type": "http.response.body", "body": body})
