"""Re-evaluating a report's embedded data (for verify.py): which shipped edition, which tree, which keys.

Everything here reads untrusted data: the edition is looked up by exact name among those shipped, the
rejected values may not land on an input, the `unread` keys are shape-checked, and the activity tables
(Annex D) the inputs name are never opened: only those of a disclosure the user gives.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, cast

from reportgen.errors import InputError, StandardError
from reportgen.evaluation.model import Evaluation, Location
from reportgen.evaluation.pipeline import evaluate_file, evaluate_raw
from reportgen.inputs import RawEntry, from_mapping
from reportgen.proof import payload as embed
from reportgen.standard import Standard, load_standard


def shipped_standard(payload: dict[str, Any], report_path: Path) -> Standard:
    """The edition the report names, among those this reportgen ships (never a path built from it)."""
    try:
        return load_standard(payload["edition"], payload["standard"])
    except StandardError as exc:
        raise InputError(
            f"{report_path}: the report names the standard edition "
            f"{payload['standard'][:40]!r} {payload['edition'][:40]!r}, which cannot be used: "
            f"{exc} It was made by another reportgen, or its data was edited."
        ) from None


def reevaluate(
    payload: dict[str, Any], std: Standard, report_path: Path, input_path: str | Path | None = None
) -> Evaluation:
    """The evaluation of the embedded inputs, rejected values and unread keys, as the report's maker did.

    Activity tables (Annex D) are never opened from the paths a report names (a report is untrusted, and
    those are files of whoever verifies it): an activity report is re-evaluated from the disclosure the
    user gives, beside the tables it declares, or not at all (exit 2).
    """
    embedded = payload["evaluation"]
    lang = embedded.get("language") if embedded.get("language") in ("en", "fr") else None
    tree = reevaluated_tree(payload, std, report_path)
    if "activity" in tree:  # Annex D: the derived figures rest on tables the report does not carry (D.5)
        if input_path is None:
            raise InputError(
                f"{report_path.name} derives figures from activity tables (Annex D), which a report "
                "carries as digests only: verifying it needs the disclosure and its tables. Run "
                f"`reportgen verify {report_path.name} DISCLOSURE` beside the tables it declares."
            )
        return evaluate_file(Path(input_path), lang=lang, standard=std)
    raw = from_mapping(tree, std, source=str(embedded.get("source") or report_path.name))
    unknown, duplicates = unread(payload, report_path)
    groups = {".".join(fid.split(".")[:i]) for fid in std.fields for i in range(1, fid.count(".") + 1)}
    raw.unknown += [RawEntry(k, None, Location(path=k), is_group=k in groups) for k in unknown]
    raw.duplicates += [RawEntry(k, None, Location(path=k)) for k in duplicates]
    return evaluate_raw(raw, lang=lang, standard=std)


def unread(payload: dict[str, Any], report_path: Path) -> tuple[list[str], list[str]]:
    """The `unread` keys of the payload (embed.unread_keys), shape-checked: lists of short texts."""
    data = payload.get("unread") or {}
    lists = [data.get(k) or [] for k in ("unknown", "duplicates")] if isinstance(data, dict) else [None]
    if not all(
        isinstance(v, list) and len(v) <= 100_000 and all(isinstance(x, str) and len(x) <= 1000 for x in v)
        for v in lists
    ):
        raise InputError(
            f"{report_path}: the embedded data is damaged ('unread' is not two lists of keys); "
            "it cannot be verified."
        )
    return cast(list[str], lists[0]), cast(list[str], lists[1])  # shape checked just above


def reevaluated_tree(payload: dict[str, Any], std: Standard, report_path: Path) -> dict[str, Any]:
    """The embedded inputs with the rejected values put back; refused (exit 2) when they cannot be."""
    unknown = sorted(fid for fid in payload.get("rejected") or {} if fid not in std.fields)
    if unknown:
        raise InputError(
            f"{report_path}: the embedded data is damaged: 'rejected' names {unknown[0][:60]!r}, "
            f"which is not a field of {std.id} {std.edition}; it cannot be verified."
        )
    try:
        return embed.merged_inputs(payload)
    except ValueError as exc:
        raise InputError(
            f"{report_path}: the embedded data is damaged: {exc}; it cannot be verified."
        ) from None
