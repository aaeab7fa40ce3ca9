"""`reportgen serve [--host 127.0.0.1] [--port 8765] [--open] [--token TOKEN]`: the local web page.

On a loopback address the page is open to this computer's user only. Any other address exposes the page
to the network, so a token is then always required: the one given, or one generated and printed here.
Starlette and uvicorn are imported only when the command runs, so other commands start as fast as before.
"""

from __future__ import annotations

import argparse
import secrets
import socket
import sys
import threading
import webbrowser

from reportgen.commands import add_lang
from reportgen.errors import ReportgenError
from reportgen.resources import t

MIN_TOKEN = 16


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "serve",
        help="start the local web page (check, render and verify in a browser)",
        description="Start a web page and JSON API on this computer: drop a workbook, see what "
        "is missing, download the reports, verify a report. Listens on 127.0.0.1 unless --host "
        "says otherwise; another address requires an access token (generated and printed "
        "unless --token is given). Stop it with Ctrl+C.",
    )
    p.add_argument(
        "--host", default="127.0.0.1", help="address to listen on (default: 127.0.0.1, this computer only)"
    )
    p.add_argument("--port", type=int, default=8765, help="port (default: 8765; 0 picks a free one)")
    p.add_argument("--open", action="store_true", help="open the page in the default browser")
    p.add_argument(
        "--token",
        default=None,
        metavar="TOKEN",
        help=f"access token every request must carry (at least {MIN_TOKEN} characters); "
        "default: none on loopback, a generated one on any other address",
    )
    add_lang(
        p,
        help="language of the messages printed here (default: en); the page follows each browser's "
        "language, with a switch",
    )
    p.set_defaults(func=run)


def _loopback(host: str) -> bool:
    from reportgen.web.security import is_loopback

    return is_loopback(host)


def _bind(host: str, port: int) -> socket.socket:
    """Bind first, so that a busy port or a bad address is one clear message (exit 2), not a log."""
    if not 0 <= port <= 65535:
        raise ReportgenError(f"--port must be between 0 and 65535 (got {port}).")
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except socket.gaierror as exc:
        raise ReportgenError(f"--host {host}: not an address of this computer ({exc.strerror}).") from None
    family, _, _, _, address = infos[0]
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind(address)
    except OSError as exc:
        sock.close()
        hint = " choose another with --port" if exc.errno in (98, 48) else ""
        raise ReportgenError(
            f"cannot listen on {host}:{port} ({exc.strerror});{hint}".rstrip(";") + "."
        ) from None
    sock.listen(128)
    sock.set_inheritable(True)
    return sock


def run(args: argparse.Namespace) -> int:
    token = args.token
    if token is not None and len(token) < MIN_TOKEN:
        raise ReportgenError(
            f"--token must be at least {MIN_TOKEN} characters long (a guessable token "
            "protects nothing); leave it out to have one generated."
        )
    loopback = _loopback(args.host)
    if token is None and not loopback:
        token = secrets.token_urlsafe(24)
    sock = _bind(args.host, args.port)
    port = sock.getsockname()[1]

    import uvicorn

    from reportgen.web.app import create_app

    app = create_app(token=token, loopback=loopback)
    shown_host = f"[{args.host}]" if ":" in args.host else args.host
    url = f"http://{shown_host}:{port}/" + (f"?token={token}" if token else "")
    print(f"reportgen serve: {url}", flush=True)
    lang = args.lang or "en"
    if token and args.token is None:
        print(t("web_cli_token", lang), flush=True)
    if not loopback:
        print(t("web_cli_network", lang), flush=True)
    print(t("web_cli_stop", lang), flush=True)
    server = uvicorn.Server(
        uvicorn.Config(
            app,
            log_level="warning",
            access_log=False,
            server_header=False,
            limit_concurrency=64,
            timeout_keep_alive=5,
        )
    )
    if args.open:

        def open_when_started() -> None:
            for _ in range(100):
                if server.started:
                    webbrowser.open(url)
                    return
                threading.Event().wait(0.1)

        threading.Thread(target=open_when_started, daemon=True).start()
    try:
        server.run(sockets=[sock])
    finally:
        sock.close()
    print(t("web_cli_stopped", lang), file=sys.stderr)
    return 0
