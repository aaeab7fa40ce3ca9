"""The data a report carries so that anyone can re-check it (clause 10, issue "Prove it").

PDF reports attach it as `disclosure.json` (PDF/A-3 associated file); workbooks keep it on their About
sheet. `inputs` is exactly the canonical tree the fingerprint is computed from; `rejected` holds the
values that were ignored with E-TYPE/E-UNIT, as given, so a re-evaluation reproduces every finding.
"""

from __future__ import annotations

import json
from typing import Any

from reportgen.model import Evaluation

ATTACHMENT_NAME = "disclosure.json"
FORMAT = "reportgen-disclosure/1"


def payload(ev: Evaluation) -> dict[str, Any]:
    return {
        "format": FORMAT,
        "standard": ev.standard.id,
        "edition": ev.standard.edition,
        "fingerprint": ev.fingerprint,
        "inputs": ev.inputs,
        "rejected": ev.rejected,
        "evaluation": ev.model_dump(mode="json"),
    }


def payload_json(ev: Evaluation) -> str:
    """Deterministic text (sorted keys) so that the same inputs give the same report bytes."""
    return json.dumps(payload(ev), ensure_ascii=False, sort_keys=True, indent=1)


def merged_inputs(data: dict[str, Any]) -> dict[str, Any]:
    """The tree to re-evaluate: canonical inputs plus the rejected values at their field ids."""
    tree = json.loads(json.dumps(data.get("inputs") or {}))
    for fid, value in (data.get("rejected") or {}).items():
        node = tree
        *parents, leaf = fid.split(".")
        for p in parents:
            node = node.setdefault(p, {})
        node[leaf] = value
    return tree
