"""Where shipped data lives: inside the wheel (`reportgen/_data`) or, in a checkout, at the repo top."""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Any

import yaml

_PKG = Path(__file__).resolve().parent


def data_dir(name: str) -> Path:
    packaged = _PKG / "_data" / name
    return packaged if packaged.is_dir() else _PKG.parent / name


def templates_dir() -> Path:
    return data_dir("templates")


@functools.lru_cache(maxsize=1)
def strings() -> dict[str, Any]:
    """UI strings (headings, column names) in English and French, from templates/strings*.yaml."""
    data: dict[str, Any] = {}
    for path in sorted(templates_dir().glob("strings*.yaml")):
        with path.open(encoding="utf-8") as fh:
            data.update(yaml.load(fh, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader)) or {})
    return data


def t(key: str, lang: str) -> str:
    """The UI string `key` in `lang` (falls back to English)."""
    entry = strings()[key]
    return entry.get(lang) or entry["en"]


def colon(label: str, lang: str) -> str:
    """`label:` in English, `label :` (no-break space) in French typography."""
    return f"{label}\u00a0:" if lang == "fr" else f"{label}:"
