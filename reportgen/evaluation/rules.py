"""Rule kinds as pure functions. Their parameters (fields, limits, tolerances) live in `rules.yaml`;
`validate.py` feeds them values and turns their answers into findings."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any


def out_of_range(value: float, rule: dict[str, Any]) -> bool:
    """range: `below`/`above` are exclusive bounds; `equals` flags one forbidden value."""
    if "equals" in rule:
        return value == rule["equals"]
    return ("below" in rule and value < rule["below"]) or ("above" in rule and value > rule["above"])


def applies(rule: dict[str, Any], field_id: str, field_type: str, dimension: str | None) -> bool:
    """Whether a range rule covers a field: listed by id, by its dimension, or by its type."""
    return (
        field_id in rule.get("fields", [])
        or (dimension is not None and rule.get("dimension") == dimension)
        or field_type in rule.get("types", [])
    )


def relative_gap(supplied: float, expected: float) -> float | None:
    """consistency: |supplied − expected| ÷ expected, None when expected is 0."""
    return abs(supplied - expected) / abs(expected) if expected else None


def outside(value: float, low: float, high: float) -> bool:
    return value < low or value > high


def first_match(
    value: float, rules: list[dict[str, Any]], applies: Callable[[dict[str, Any]], bool]
) -> dict[str, Any] | None:
    """The first range rule that applies to a field and fails for the value (one finding per field)."""
    return next((r for r in rules if applies(r) and out_of_range(value, r)), None)
