"""Clause 10: the normalized input tree and its fingerprint (sha256 of the RFC 8785 JSON)."""

from __future__ import annotations

import datetime as dt
import hashlib
from typing import Any

import rfc8785

from reportgen.evaluation.model import FieldValue
from reportgen.standard import Standard


def _round12(x: float) -> float | int:
    if isinstance(x, int) and abs(x) <= 2**53:
        return x  # counts stay exact integers (I-JSON range of RFC 8785)
    r = float(f"{x:.12g}")
    return int(r) if r.is_integer() and abs(r) < 2**53 else r


def canonical_value(v: FieldValue) -> Any:
    """Clause 10: a value as it enters the fingerprint (canonical unit, 12 significant digits)."""
    if v.origin == "withheld":
        return {"withheld": v.withheld, **({"note": v.note} if v.note else {})}
    value = v.value
    if isinstance(value, dt.date):
        value = value.isoformat()
    elif isinstance(value, float) or (isinstance(value, int) and not isinstance(value, bool)):
        value = _round12(value)
    meta = {k: getattr(v, k) for k in ("method", "source", "uncertainty_pct") if getattr(v, k) is not None}
    if "uncertainty_pct" in meta:
        meta["uncertainty_pct"] = _round12(meta["uncertainty_pct"])
    if v.unit is not None:
        return {"value": value, "unit": v.unit, **meta}
    return {"value": value, **meta} if meta else value


def canonical_tree(values: dict[str, FieldValue]) -> dict[str, Any]:
    """The normalized input tree: supplied and withheld values only, nested by field id."""
    tree: dict[str, Any] = {}
    for fid in sorted(values):
        v = values[fid]
        if v.origin == "derived":
            continue
        node = tree
        *parents, leaf = fid.split(".")
        for p in parents:
            node = node.setdefault(p, {})
        node[leaf] = canonical_value(v)
    return tree


def fingerprint(standard: Standard, inputs: dict[str, Any]) -> str:
    """sha256 of the RFC 8785 serialization of {standard, edition, inputs} (clause 10)."""
    payload: dict[str, Any] = {"standard": standard.id, "edition": standard.edition, "inputs": inputs}
    return "sha256:" + hashlib.sha256(rfc8785.dumps(payload)).hexdigest()
