"""Errors of the web layer: an HTTP status and a message, in the page's language where we wrote it.

Errors of reportgen itself (an unreadable file, a report that is not ours) keep the CLI's exact message;
these are only the web's own refusals (too large, wrong type, missing field, bad parameter, token).
"""

from __future__ import annotations

from typing import Any

from reportgen.web import adapter


class WebError(Exception):
    """`key` names a `web_err_*` string of templates/strings-web.yaml; `params` fill it."""

    def __init__(self, status: int, key: str, **params: Any) -> None:
        self.status, self.key, self.params = status, key, params
        super().__init__(self.message("en"))

    def message(self, lang: str) -> str:
        return adapter.text(f"web_err_{self.key}", lang).format(**self.params)
