"""The data a report carries so that anyone can re-check it (clause 10, issue "Prove it").

PDF reports attach it as `disclosure.json` (PDF/A-3 associated file); workbooks keep it on their About
sheet. `inputs` is exactly the canonical tree the fingerprint is computed from; `rejected` holds the
values that were ignored with E-TYPE/E-UNIT, as given, so a re-evaluation reproduces every finding.
`edition_digest` names the normative content of the edition the report was evaluated with (edition.py;
reports of reportgen 0.1.0 have none), so that `verify` can tell a modified copy of an edition from the
one it ships, while a wording fix in the edition leaves earlier reports verifying.
"""

from __future__ import annotations

import json
from typing import Any

from reportgen.evaluation import codes
from reportgen.evaluation.model import Evaluation
from reportgen.proof.edition import edition_digest
from reportgen.standard import Standard, load_standard

ATTACHMENT_NAME = "disclosure.json"
FORMAT = "reportgen-disclosure/1"
MAX_DEPTH = 300  # pydantic refuses to dump values nested 255 deep: no report reportgen writes is deeper


def payload(
    ev: Evaluation, std: Standard | None = None, baseline: Evaluation | None = None
) -> dict[str, Any]:
    """The embedded data; with a baseline (`render --baseline`), also `comparison`: the compare JSON that
    `verify --baseline` recomputes (issue 17)."""
    std = std or load_standard(ev.standard.edition, ev.standard.id)
    extra: dict[str, Any] = {}
    if baseline is not None:
        from reportgen.presentation.change import embedded

        extra["comparison"] = embedded(baseline, ev)
    data = {
        "format": FORMAT,
        "standard": ev.standard.id,
        "edition": ev.standard.edition,
        "edition_digest": edition_digest(std.directory),
        "fingerprint": ev.fingerprint,
        "inputs": ev.inputs,
        "rejected": ev.rejected,
        "evaluation": without_file_names(ev.model_dump(mode="json")),
        **extra,
    }
    unread = unread_keys(ev)
    if unread:
        data["unread"] = unread
    return data


def without_file_names(node: Any) -> Any:
    """The evaluation without the input's file name (its `source`, each location's `file`): a published
    report never tells what the reporter's file was called (issue 13). Lines, cells and key paths stay."""
    if isinstance(node, list):
        return [without_file_names(v) for v in node]
    if not isinstance(node, dict):
        return node
    out = {k: without_file_names(v) for k, v in node.items()}
    if "format_version" in out:  # the evaluation itself
        out["source"] = None
    if {"file", "line", "cell"} <= out.keys():  # a location
        out["file"] = None
    return out


def unread_keys(ev: Evaluation) -> dict[str, list[str]]:
    """The keys of the input file that are not inputs: unknown ids (E-FIELD) and keys given twice (E-TYPE
    beyond the one of each rejected value). They are errors of the disclosure, so a re-evaluation of the
    inputs alone would find it complete where the report says it is not: the report carries them."""
    unknown = [f.field for f in ev.findings if f.code == codes.UNKNOWN_FIELD and f.field]
    duplicates: list[str] = []
    rejected = set(ev.rejected)
    for f in ev.findings:
        if f.code != codes.WRONG_TYPE:
            continue
        if f.field in rejected:
            rejected.discard(f.field)  # the value itself was refused: that finding is not a duplicate
            continue
        path = f.field or (f.location.path if f.location else None)
        if path:
            duplicates.append(path)
    return {k: v for k, v in (("unknown", unknown), ("duplicates", duplicates)) if v}


def payload_json(ev: Evaluation, baseline: Evaluation | None = None) -> str:
    """Deterministic text (sorted keys) so that the same inputs give the same report bytes."""
    return json.dumps(payload(ev, baseline=baseline), ensure_ascii=False, sort_keys=True, indent=1)


def loads(text: str | bytes, max_depth: int = MAX_DEPTH) -> Any:
    """JSON from a file someone gave us (embedded data, signature): ValueError with a readable reason
    for what would otherwise surface later as an internal error (nesting, numbers of 4,300+ digits)."""
    try:
        data = json.loads(text)
    except RecursionError:
        raise ValueError("it is nested too deeply") from None
    except json.JSONDecodeError as exc:
        raise ValueError(f"{exc.msg} at line {exc.lineno}, column {exc.colno}") from None
    except UnicodeDecodeError as exc:
        raise ValueError(f"it is not UTF-8 (byte {exc.start})") from None
    except ValueError as exc:  # int() refuses numbers of more than 4,300 digits
        raise ValueError(f"it holds a number that cannot be read ({str(exc)[:80]})") from None
    check_depth(data, max_depth)
    return data


def check_depth(data: Any, max_depth: int = MAX_DEPTH) -> None:
    """ValueError when `data` nests lists and objects more than `max_depth` deep."""
    stack: list[tuple[Any, int]] = [(data, 1)]
    while stack:  # iterative: measuring the depth must not recurse itself
        node, depth = stack.pop()
        if depth > max_depth:
            raise ValueError(f"it is nested more than {max_depth} levels deep")
        if isinstance(node, dict):
            stack.extend((v, depth + 1) for v in node.values())
        elif isinstance(node, list):
            stack.extend((v, depth + 1) for v in node)


def merged_inputs(data: dict[str, Any]) -> dict[str, Any]:
    """The tree to re-evaluate: canonical inputs plus the rejected values at their field ids.

    A rejected value is one the evaluation ignored, so its field cannot also hold an input: ValueError
    when it would replace one (the embedded data was edited).
    """
    tree = json.loads(json.dumps(data.get("inputs") or {}))
    for fid, value in (data.get("rejected") or {}).items():
        node = tree
        *parents, leaf = fid.split(".")
        for p in parents:
            node = node.setdefault(p, {})
            if not isinstance(node, dict):
                raise ValueError(f"the rejected value of {fid} collides with the input {p}")
        if leaf in node:
            raise ValueError(f"the rejected value of {fid} collides with an input of the same field")
        node[leaf] = value
    return tree
