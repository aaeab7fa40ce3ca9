"""Hugging Face model cards: read and write the `co2_eq_emissions` block of the YAML front matter.

The Hub's documented shape (huggingface.co/docs/hub/model-cards-co2)::

    co2_eq_emissions:
      emissions: number (in grams of CO2)
      source: "AutoTrain, code carbon or a scientific article"
      training_type: "pre-training or fine-tuning"
      geographical_location: "as granular as possible, e.g. Quebec, Canada"
      hardware_used: "e.g. 8 x A100"

`co2_eq_emissions` may also be a bare number of grams. AILD counts kgCO2e, so grams are divided by 1000.
Some cards add `energy_consumed` (kWh) and `hours_used` (hours the hardware ran): they become the phase's
energy, its wall-clock time where the phase has one, and × the accelerator count its accelerator-hours.
The card does not say how the figure was obtained: CodeCarbon or AutoTrain (which runs CodeCarbon, named
in the source or as the card's `autotrain` tag) means `measured`, the ML CO2 Impact calculator means
`estimated`, and anything else is `estimated` too — the method that claims the least; the reporter can
change it. CPUs in `hardware_used` are not accelerators and fill no accelerator field.
"""

from __future__ import annotations

import math
import re
from pathlib import Path
from typing import Any

from reportgen.errors import InputError
from reportgen.evaluation.model import Evaluation
from reportgen.inputs.tree import load_yaml
from reportgen.interop import Fragment, country_alpha2, country_name, quantity, read_text, round_sig
from reportgen.standard import Standard
from reportgen.standard.units import NumberError, parse_number

FIX = "Give the model card's README.md, which starts with a YAML block between two '---' lines."
_FRONT = re.compile(r"\A(?:\ufeff)?---[ \t]*\r?\n(.*?)(?:\r?\n)?^(?:---|\.\.\.)[ \t]*$", re.S | re.M)
TRAINING_TYPES = {
    "pre-training": "training",
    "pretraining": "training",
    "pre training": "training",
    "training": "training",
    "fine-tuning": "finetuning",
    "finetuning": "finetuning",
    "fine tuning": "finetuning",
}
_COUNT = re.compile(r"^\s*(\d+)\s*[x×]\s*(\S.*?)\s*$", re.I)
PHASE_TYPES = {"training": "pre-training", "finetuning": "fine-tuning"}


def front_matter(path: str | Path) -> dict[str, Any]:
    """The YAML front matter of a model card, as a mapping. Raises InputError with the fix."""
    p = Path(path)
    text = read_text(p, "a model card (README.md)", FIX)
    m = _FRONT.match(text)
    if not m:
        raise InputError(
            f"{p} has no YAML front matter: the first line must be '---' and a second '---' "
            f"line must close the block. {FIX}"
        )
    data = load_yaml(p, m.group(1), line_offset=1).data  # the card's own lines; untrusted: node budget
    if not isinstance(data, dict):
        raise InputError(f"{p}: the front matter is not a mapping of metadata keys. {FIX}")
    return data


BLOCK_KEYS = [
    "emissions",
    "source",
    "training_type",
    "geographical_location",
    "hardware_used",
    "energy_consumed",
    "hours_used",
]  # the Hub's five keys, and two that some cards add
# Processors that are not accelerators (AILD 7.3 counts GPUs, TPUs and other accelerators): the Hub asks
# for "GPU, TPU, or CPU, and how many", and CodeCarbon fills CPU-only runs with the CPU model.
_CPU = re.compile(r"\bCPUs?\b|Xeon|EPYC|Ryzen|Threadripper|Core\(TM\)|\bCore i[3579]\b|\bGen Intel\b", re.I)
_ACCELERATOR = re.compile(r"GPU|TPU|NPU|NVIDIA|Gaudi|Instinct|Trainium|Inferentia", re.I)


def _number(value: Any, key: str, unit: str, file: str) -> float:
    """A finite, non-negative number of `unit` from the block, or an InputError that says what is wrong."""
    what = f"{file}: co2_eq_emissions.{key}"
    if isinstance(value, (list, dict)):
        raise InputError(
            f"{what} is a {'list' if isinstance(value, list) else 'mapping'}, not a number of "
            f"{unit}. Write one number (the total, in {unit})."
        )
    if isinstance(value, bool) or value is None:
        raise InputError(f"{what} is {'empty' if value is None else value}, not a number of {unit}.")
    try:
        number = float(value) if isinstance(value, (int, float)) else parse_number(str(value))
    except OverflowError:  # an integer beyond float range
        number = math.inf
    except NumberError:
        raise InputError(
            f"{what} is '{str(value)[:40]}', not a number of {unit} (write a bare number, "
            f"e.g. {'232380' if unit == 'grams' else '120.5'})."
        ) from None
    if not math.isfinite(number):
        raise InputError(f"{what} is {str(value)[:40]}, which is not a finite number of {unit}.")
    if number < 0:
        raise InputError(f"{what} is {value}; it cannot be negative.")
    return number


def _block(meta: dict[str, Any], p: Path) -> dict[str, Any]:
    """The co2_eq_emissions block as a mapping; a list or another shape is refused with what to write."""
    if "co2_eq_emissions" not in meta:
        keys = ", ".join(sorted(map(str, meta))[:8]) or "none"
        raise InputError(
            f"{p}: the front matter has no co2_eq_emissions block (keys found: {keys}). Add one "
            "as described at huggingface.co/docs/hub/model-cards-co2."
        )
    block = meta["co2_eq_emissions"]
    shape = (
        "one mapping (emissions in grams, source, training_type, geographical_location, hardware_used) "
        "or one number of grams"
    )
    if isinstance(block, list):
        raise InputError(
            f"{p}: co2_eq_emissions is a list of {len(block)} item(s); a model card has one "
            f"co2_eq_emissions: {shape}. Nothing was imported. Replace the list by one block: for "
            "several runs of one phase, add their emissions into one figure; for two phases, import "
            "each from a copy of the card that keeps only that phase's block."
        )
    if block is None:
        raise InputError(f"{p}: co2_eq_emissions is empty; the Hub expects {shape}.")
    if not isinstance(block, dict):
        block = {"emissions": block}
    if "emissions" not in block:
        raise InputError(f"{p}: co2_eq_emissions has no 'emissions' (grams of CO2e); nothing to import.")
    return block


def _tags(meta: dict[str, Any]) -> list[str]:
    tags = meta.get("tags")
    items = tags if isinstance(tags, list) else [tags] if tags is not None else []
    return [str(t).strip().lower() for t in items]


def _method(source: str, tags: list[str]) -> tuple[str, str]:
    """The method of the card's figures, and why (for the source text). AutoTrain measures with CodeCarbon."""
    s = source.lower()
    if "codecarbon" in s.replace(" ", "") or "autotrain" in s:
        return "measured", ""
    if "autotrain" in tags:
        return "measured", "; the card is tagged autotrain (AutoTrain measures with CodeCarbon)"
    return "estimated", ""


def _card_text(block: dict[str, Any], key: str, frag: Fragment) -> str:
    value = block.get(key)
    if value is None or isinstance(value, bool):
        return ""
    if isinstance(value, (list, dict)):
        frag.notes.append(
            f"co2_eq_emissions.{key} is a {'list' if isinstance(value, list) else 'mapping'}, "
            "not text: not imported. The Hub expects one text."
        )
        return ""
    return str(value).strip()


def to_fragment(path: str | Path, std: Standard, phase: str | None = None) -> Fragment:
    """Read the card's co2_eq_emissions into the training or fine-tuning fields."""
    p = Path(path)
    meta = front_matter(p)
    block = _block(meta, p)
    grams = _number(block["emissions"], "emissions", "grams", p.name)
    frag = Fragment(tool="hf-model-card", source_file=p.name)
    card_type = _card_text(block, "training_type", frag)
    mapped = TRAINING_TYPES.get(card_type.lower())
    if phase is None:
        if mapped is None:
            what = f"training_type '{card_type}'" if card_type else "no training_type"
            raise InputError(
                f"{p}: co2_eq_emissions has {what}; say which phase the emissions belong to with "
                "--phase training or --phase finetuning."
            )
        phase = mapped
    elif mapped and mapped != phase:
        frag.notes.append(
            f"the card says training_type '{card_type}' but --phase {phase} was given; "
            f"the values go to {phase}."
        )
    card_source = _card_text(block, "source", frag)
    method, why = _method(card_source, _tags(meta))
    card = f"Hugging Face model card {p.name}, co2_eq_emissions"
    tail = (f"; source: {card_source}" if card_source else "; no source given in the card") + why
    frag.put(
        std,
        f"{phase}.ghg_location",
        quantity(grams / 1000, "kgCO2e", method, f"{card}: {round_sig(grams, 6)} g{tail}"),
        "emissions",
    )
    if "energy_consumed" in block:
        kwh = _number(block["energy_consumed"], "energy_consumed", "kWh", p.name)
        frag.put(
            std,
            f"{phase}.energy",
            quantity(kwh, "kWh", method, f"{card}.energy_consumed: {round_sig(kwh, 6)} kWh{tail}"),
            "energy_consumed",
        )
    accelerators = _hardware(frag, std, phase, _card_text(block, "hardware_used", frag))
    if "hours_used" in block:
        hours = _number(block["hours_used"], "hours_used", "hours", p.name)
        _hours(frag, std, phase, hours, accelerators, method, (f"{card}.hours_used", tail))
    _location(frag, std, phase, _card_text(block, "geographical_location", frag))
    for key in block:
        if key not in BLOCK_KEYS:
            frag.notes.append(
                f"co2_eq_emissions.{key} not imported: it is not one of the block's keys "
                f"({', '.join(BLOCK_KEYS)})."
            )
    return frag


def split_count(text: str) -> tuple[int | None, str]:
    """'8 x A100' or '8x NVIDIA A100' → (8, 'A100'); anything else → (None, text)."""
    m = _COUNT.match(text)
    return (int(m.group(1)), m.group(2)) if m and not _COUNT.match(m.group(2)) else (None, text.strip())


def is_cpu(model: str) -> bool:
    """'13th Gen Intel(R) Core(TM) i7-1365U (CPU)' is a processor, not an accelerator."""
    return bool(_CPU.search(model)) and not _ACCELERATOR.search(model)


def _hardware(frag: Fragment, std: Standard, phase: str, hardware: str) -> tuple[int | None, str]:
    """Accelerator model and count from hardware_used. Returns the count of accelerators, or why there is none."""
    if not hardware:
        return None, "the card has no hardware_used"
    count, model = split_count(hardware)
    if is_cpu(model):
        frag.notes.append(
            f"hardware_used '{hardware}' names CPUs, which are not accelerators (AILD counts GPUs, "
            f"TPUs and other accelerators): {phase}.accelerator_model and accelerator_count were "
            "left out."
        )
        key = f"{phase}.ghg_location"
        if key in frag.values:
            frag.values[key]["source"] += f"; hardware_used: {hardware}"
        return None, "the hardware is CPUs, not accelerators"
    frag.put(std, f"{phase}.accelerator_model", model, f"hardware_used '{hardware}'")
    if count is None:
        return None, f"hardware_used '{hardware}' gives no count (write it as '8 x A100')"
    frag.put(std, f"{phase}.accelerator_count", count, f"the count in hardware_used '{hardware}'")
    return count, ""


def _hours(
    frag: Fragment,
    std: Standard,
    phase: str,
    hours: float,
    accelerators: tuple[int | None, str],
    method: str,
    source: tuple[str, str],
) -> None:
    """hours_used is how long the hardware ran: the elapsed time, and × the accelerator count, accelerator-hours."""
    wall, acc = f"{phase}.wallclock_days", f"{phase}.accelerator_hours"
    (where, tail), text = source, f"{round_sig(hours, 6)} h"
    if wall in std.fields:
        frag.values[wall] = quantity(hours, "h", method, f"{where}: {text}, taken as the elapsed time{tail}")
    count, why_not = accelerators
    if acc not in std.fields:
        if wall not in std.fields:
            frag.notes.append(
                f"hours_used not imported: the standard has no wall-clock or accelerator-hours "
                f"field for the phase '{phase}'."
            )
    elif count is None:
        frag.notes.append(f"hours_used not turned into {acc}: {why_not}.")
    else:
        frag.values[acc] = quantity(
            hours * count,
            "h",
            "calculated",
            f"{where}: {text} × {count} accelerators (the count in hardware_used){tail}",
        )


def _location(frag: Fragment, std: Standard, phase: str, place: str) -> None:
    """A country only when the text is exactly a country (name or code); else a region, else a note."""
    if not place:
        return
    alpha2 = country_alpha2(place, names=True)
    if alpha2 and f"{phase}.location_country" in std.fields:
        frag.values[f"{phase}.location_country"] = alpha2
    elif f"{phase}.location_region" in std.fields:
        frag.values[f"{phase}.location_region"] = place
    else:
        key = f"{phase}.ghg_location"
        if key in frag.values:
            frag.values[key]["source"] += f"; geographical_location: {place}"
        frag.notes.append(
            f"geographical_location '{place}' is not a country name or code, and {phase} has no "
            "region field: it was kept in the source text only."
        )


# -- export ------------------------------------------------------------------------------------
def export_block(ev: Evaluation, std: Standard, phase: str | None = None) -> tuple[dict[str, Any], list[str]]:
    """The co2_eq_emissions block of a disclosure, and what could not be filled.

    Raises ValueError when the phase has no location-based GHG value (supplied or derived).
    """
    candidates = [phase] if phase else ["training", "finetuning"]
    chosen = next((ph for ph in candidates if _has(ev, f"{ph}.ghg_location")), None)
    if chosen is None:
        names = " or ".join(f"{ph}.ghg_location" for ph in candidates)
        raise ValueError(
            f"{names} has no value (neither supplied nor derivable), so there are no emissions to "
            "export. Run `reportgen check` to see what is missing."
        )
    gv = ev.values[f"{chosen}.ghg_location"]
    block: dict[str, Any] = {"emissions": round_sig(float(gv.value) * 1000, 6)}
    if gv.origin == "derived" and gv.trace is not None:
        source = f"AILD {ev.standard.edition} disclosure, derived by reportgen (clause {gv.trace.clause}: {gv.trace.formula})"
    else:
        source = gv.source or f"AILD {ev.standard.edition} disclosure ({gv.method or 'method not stated'})"
    block["source"] = source
    block["training_type"] = PHASE_TYPES[chosen]
    gaps: list[str] = []
    country = _text(ev, f"{chosen}.location_country")
    region = _text(ev, f"{chosen}.location_region")
    place = ", ".join(x for x in (region, country_name(country) if country else None) if x)
    if place:
        block["geographical_location"] = place
    else:
        gaps.append(f"{chosen}.location_country")
    model = _text(ev, f"{chosen}.accelerator_model") or _text(ev, "hardware.accelerator_model")
    count = _text(ev, f"{chosen}.accelerator_count")
    if model:
        block["hardware_used"] = f"{count} x {model}" if count else model
    else:
        gaps.append(f"{chosen}.accelerator_model")
    return {"co2_eq_emissions": block}, gaps


def _has(ev: Evaluation, fid: str) -> bool:
    v = ev.values.get(fid)
    return v is not None and v.origin != "withheld" and v.value is not None


def _text(ev: Evaluation, fid: str) -> str | None:
    return str(ev.values[fid].value) if _has(ev, fid) else None
