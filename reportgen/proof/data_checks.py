"""The checks of a report's embedded data against its re-evaluation (verify (a) and (b), data side): the
fingerprint of the embedded inputs, the status, missing items, totals and every stored number (the
edition's encoding is checked by edition.py).

What is printed on the page or in the cells is checked by printed.py; these checks read only the
embedded `disclosure.json`, the part other tools consume.
"""

from __future__ import annotations

from typing import Any

from reportgen.evaluation.model import Evaluation
from reportgen.evaluation.pipeline import fingerprint
from reportgen.proof.checks import Check, Difference, close
from reportgen.standard import Standard


def inputs_fingerprint(payload: dict[str, Any], std: Standard) -> tuple[str | None, Check | None]:
    """The clause-10 fingerprint of the embedded inputs, or a failed check when RFC 8785 cannot encode
    them (a number beyond its range, which reportgen never writes into the canonical inputs)."""
    try:
        return fingerprint(std, payload["inputs"]), None
    except (
        ValueError,
        OverflowError,
        RecursionError,
    ) as exc:  # rfc8785.CanonicalizationError is a ValueError
        return None, Check(
            "canonical inputs",
            False,
            "the embedded inputs hold a value that RFC 8785 cannot "
            "encode, which reportgen never writes: the data was edited after the report was "
            "made",
            [
                Difference(
                    "embedded inputs",
                    "numbers within ±2⁵³ or finite decimals",
                    f"{type(exc).__name__}: {str(exc)[:100]}",
                )
            ],
        )


def fingerprint_checks(payload: dict[str, Any], of_inputs: str, reeval: Evaluation) -> list[Check]:
    """(a), data side: the embedded fingerprint is that of the embedded inputs and of their re-evaluation."""
    claimed = payload["fingerprint"]
    diffs = [
        Difference(where, of_inputs, found)
        for where, found in (
            ("fingerprint", claimed),
            ("evaluation.fingerprint", payload["evaluation"].get("fingerprint")),
        )
        if found != of_inputs
    ]
    if payload["evaluation"].get("inputs", payload["inputs"]) != payload["inputs"]:
        diffs.append(Difference("evaluation.inputs", "the embedded inputs", "other inputs"))
    checks = [
        Check(
            "embedded fingerprint",
            not diffs,
            "the fingerprint stored with the data is that of the embedded inputs"
            if not diffs
            else "the embedded inputs give another fingerprint than the one stored with them: the data "
            "was edited after the report was made",
            diffs,
        )
    ]
    if reeval.fingerprint != of_inputs:
        # The inputs are not in canonical form any more (edited by hand): their re-evaluation differs.
        checks.append(
            Check(
                "canonical inputs",
                False,
                "the embedded inputs are not the normalized tree that reportgen writes",
                [Difference("fingerprint of the re-evaluated inputs", reeval.fingerprint, of_inputs)],
            )
        )
    return checks


def evaluation_checks(embedded: dict[str, Any], reeval: Evaluation) -> list[Check]:
    """(b), data side: status, missing items and totals stored in the report = the re-evaluation."""
    checks: list[Check] = []
    diffs = []
    if embedded.get("status") != reeval.status:
        diffs.append(Difference("status", reeval.status, embedded.get("status")))
    for key in ("mandatory_applicable", "mandatory_satisfied"):
        if embedded.get(key) != getattr(reeval, key):
            diffs.append(Difference(key, getattr(reeval, key), embedded.get(key)))
    checks.append(
        Check(
            "status",
            not diffs,
            f"embedded status '{embedded.get('status')}' and completeness counts equal the re-evaluation",
            diffs,
        )
    )

    found = sorted(str(m) for m in embedded.get("missing") or [])
    expected = sorted(reeval.missing)
    diffs = []
    if found != expected:
        diffs = [Difference("missing items", expected, found)]
        extra, lacking = sorted(set(found) - set(expected)), sorted(set(expected) - set(found))
        if extra:
            diffs.append(Difference("listed as missing but supplied or derivable", [], extra))
        if lacking:
            diffs.append(Difference("missing but not listed", lacking, []))
    checks.append(
        Check(
            "missing items",
            not diffs,
            f"the {len(expected)} missing mandatory item(s) listed equal the re-evaluation",
            diffs,
        )
    )

    diffs = []
    totals = embedded.get("totals") or {}
    for name, total in reeval.totals.items():
        got = totals.get(name)
        if not isinstance(got, dict):
            diffs.append(Difference(f"totals.{name}", total.value, None))
            continue
        if not close(got.get("value"), total.value):
            diffs.append(Difference(f"totals.{name} ({total.unit})", total.value, got.get("value")))
        if bool(got.get("partial")) != total.partial:
            diffs.append(Difference(f"totals.{name}.partial", total.partial, got.get("partial")))
        by_phase = split if isinstance(split := got.get("by_phase"), dict) else {}
        for phase in sorted(set(total.by_phase) | set(by_phase)):
            if not close(by_phase.get(phase), total.by_phase.get(phase)):
                diffs.append(
                    Difference(
                        f"totals.{name}.by_phase.{phase} ({total.unit})",
                        total.by_phase.get(phase),
                        by_phase.get(phase),
                    )
                )
    for name in sorted(set(totals) - set(reeval.totals)):
        extra = totals[name]
        diffs.append(
            Difference(f"totals.{name}", None, extra.get("value") if isinstance(extra, dict) else extra)
        )
    checks.append(
        Check(
            "totals",
            not diffs,
            f"the embedded totals of the {len(reeval.totals)} indicators "
            "(and their split by phase) equal the re-evaluation",
            diffs,
        )
    )
    checks.append(stored_values_check(embedded, reeval))
    return checks


def stored_values_check(embedded: dict[str, Any], reeval: Evaluation) -> Check:
    """Every number stored in the embedded evaluation's values (what other tools read) = the re-evaluation."""
    stored = values if isinstance(values := embedded.get("values"), dict) else {}
    diffs = []
    numbers = 0
    for fid in sorted(set(stored) | set(reeval.values)):
        fv = reeval.values.get(fid)
        want = fv.value if fv is not None and fv.origin != "withheld" else None
        entry = stored.get(fid)
        got = entry.get("value") if isinstance(entry, dict) else entry
        if not any(isinstance(x, (int, float)) and not isinstance(x, bool) for x in (want, got)):
            continue
        numbers += 1
        if not close(got, want):
            unit = f" ({fv.unit})" if fv is not None and fv.unit else ""
            diffs.append(Difference(f"values.{fid}{unit}", want, got))
    return Check(
        "stored values",
        not diffs,
        f"the {numbers} numbers stored with each field equal the re-evaluation",
        diffs,
    )
