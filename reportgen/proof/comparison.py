"""`verify` of a report rendered with `--baseline` (issue 17, item 2): the embedded comparison is checked.

Without the baseline file, what the report alone can prove: the comparison's current side is the report's
own disclosure (fingerprint and every `current` figure equal the re-evaluation) and each change is current
minus baseline. With `--baseline FILE`, the file must have the fingerprint the report names, and the whole
comparison — baseline figures, notes and the comparable flag included — must be what reportgen computes.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from reportgen.comparison import compare
from reportgen.evaluation.model import Evaluation
from reportgen.evaluation.pipeline import evaluate_file
from reportgen.proof.checks import Check, Difference, close

NUMBER_KEYS = ("baseline", "current", "change", "change_pct")


def _lines(cmp: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """Every figure line of a compare JSON by a readable path: `indicators.energy`, `phases.training.water`."""
    out: dict[str, dict[str, Any]] = {}
    for name, ln in (cmp.get("indicators") or {}).items():
        out[f"indicators.{name}"] = ln
    for section in ("functional_units", "phases"):
        for group, lines in (cmp.get(section) or {}).items():
            for name, ln in (lines or {}).items():
                out[f"{section}.{group}.{name}"] = ln
    return out


def _number_diffs(expected: dict[str, Any], found: dict[str, Any], keys: tuple[str, ...]) -> list[Difference]:
    diffs: list[Difference] = []
    exp, got = _lines(expected), _lines(found)
    for path in sorted(set(exp) | set(got)):
        a, b = exp.get(path), got.get(path)
        if not isinstance(a, dict) or not isinstance(b, dict):
            diffs.append(Difference(path, a, b))
            continue
        diffs += [
            Difference(f"{path}.{k}", a.get(k), b.get(k)) for k in keys if not close(a.get(k), b.get(k))
        ]
        if a.get("unit") != b.get("unit"):
            diffs.append(Difference(f"{path}.unit", a.get("unit"), b.get("unit")))
    return diffs


def comparison_checks(payload: dict[str, Any], reeval: Evaluation, baseline_path: Path | None) -> list[Check]:
    """The checks of the embedded comparison; none when the report has none and no baseline is given."""
    embedded = payload.get("comparison")
    if embedded is None:
        if baseline_path is None:
            return []
        return [
            Check("comparison", False, "the report carries no comparison: it was rendered without --baseline")
        ]
    if not isinstance(embedded, dict):
        return [Check("comparison", False, "the embedded comparison is damaged (not an object)")]
    if baseline_path is None:
        return [_current_side(embedded, reeval)]
    baseline = evaluate_file(baseline_path)
    claimed = (embedded.get("baseline") or {}).get("fingerprint")
    same = baseline.fingerprint == claimed
    checks = [
        Check(
            "baseline file",
            same,
            f"{baseline_path} {'has' if same else 'does not have'} the baseline "
            f"fingerprint the report names ({claimed})",
            [] if same else [Difference("baseline.fingerprint", baseline.fingerprint, claimed)],
        )
    ]
    expected = compare(baseline, reeval, "en").model_dump(mode="json")
    diffs = _number_diffs(expected, embedded, NUMBER_KEYS)
    for key in ("comparable", "notes", "baseline", "current"):
        if expected.get(key) != embedded.get(key):
            diffs.append(Difference(key, expected.get(key), embedded.get(key)))
    checks.append(
        Check(
            "comparison",
            not diffs,
            "the embedded comparison with the baseline (every figure, note "
            "and the comparable flag) is the one reportgen computes from the two disclosures",
            diffs,
        )
    )
    return checks


def _current_side(embedded: dict[str, Any], reeval: Evaluation) -> Check:
    """Without the baseline: the current side is this disclosure, and every change is current − baseline."""
    own = compare(reeval, reeval, "en").model_dump(mode="json")
    diffs = (
        []
        if (embedded.get("current") or {}).get("fingerprint") == reeval.fingerprint
        else [
            Difference(
                "current.fingerprint", reeval.fingerprint, (embedded.get("current") or {}).get("fingerprint")
            )
        ]
    )
    found = _lines(embedded)
    expected = {
        path: ln for path, ln in _lines(own).items() if not path.startswith("functional_units.per_day")
    }
    diffs += _number_diffs(
        {"indicators": {p: ln for p, ln in expected.items()}},
        {"indicators": {p: found.get(p) for p in expected}},
        ("current",),
    )
    for path, ln in found.items():
        if not isinstance(ln, dict):
            continue
        b, c, ch = ln.get("baseline"), ln.get("current"), ln.get("change")
        if isinstance(b, (int, float)) and isinstance(c, (int, float)) and not close(c - b, ch):
            diffs.append(Difference(f"{path}.change", c - b, ch))
    return Check(
        "comparison",
        not diffs,
        "the comparison's current side is this disclosure (fingerprint and every "
        "figure) and each change is current minus baseline; give --baseline FILE to check the baseline side",
        diffs,
    )
