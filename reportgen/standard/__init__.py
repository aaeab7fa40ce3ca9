"""The encoded standard: its pydantic schema and loader (`model`), the shipped editions and amendments
(`editions`, `amendment`), and its units (`units`).

The edition's knowledge is data under `standard/` at the top of the repository; this package reads it.
"""

from reportgen.standard.model import (
    Condition,
    Dimension,
    Field,
    Localized,
    Standard,
    available_editions,
    editions_root,
    latest_edition,
    load_from_directory,
    load_standard,
    raw_edition,
    resolve_edition,
    shipped_editions,
)
from reportgen.standard.roles import Roles

__all__ = [
    "Condition",
    "Dimension",
    "Field",
    "Localized",
    "Roles",
    "Standard",
    "available_editions",
    "editions_root",
    "latest_edition",
    "load_from_directory",
    "load_standard",
    "raw_edition",
    "resolve_edition",
    "shipped_editions",
]
