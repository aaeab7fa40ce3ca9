"""Hugging Face model cards: read and write the `co2_eq_emissions` block of the YAML front matter.

The Hub's documented shape (huggingface.co/docs/hub/model-cards-co2)::

    co2_eq_emissions:
      emissions: number (in grams of CO2)
      source: "AutoTrain, code carbon or a scientific article"
      training_type: "pre-training or fine-tuning"
      geographical_location: "as granular as possible, e.g. Quebec, Canada"
      hardware_used: "e.g. 8 x A100"

`co2_eq_emissions` may also be a bare number of grams. AILD counts kgCO2e, so grams are divided by 1000.
The card does not say how the figure was obtained: CodeCarbon or AutoTrain (which runs CodeCarbon) means
`measured`, the ML CO2 Impact calculator means `estimated`, and anything else is `estimated` too — the
method that claims the least; the reporter can change it.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml

from reportgen.errors import InputError
from reportgen.interop import Fragment, country_alpha2, country_name, quantity, read_text, round_sig
from reportgen.model import Evaluation
from reportgen.standard import Standard
from reportgen.units import NumberError, parse_number

FIX = "Give the model card's README.md, which starts with a YAML block between two '---' lines."
_FRONT = re.compile(r"\A(?:\ufeff)?---[ \t]*\r?\n(.*?)(?:\r?\n)?^(?:---|\.\.\.)[ \t]*$", re.S | re.M)
TRAINING_TYPES = {"pre-training": "training", "pretraining": "training", "pre training": "training",
                  "training": "training", "fine-tuning": "finetuning", "finetuning": "finetuning",
                  "fine tuning": "finetuning"}
_COUNT = re.compile(r"^\s*(\d+)\s*[x×]\s*(\S.*?)\s*$", re.I)
PHASE_TYPES = {"training": "pre-training", "finetuning": "fine-tuning"}


def front_matter(path: str | Path) -> dict[str, Any]:
    """The YAML front matter of a model card, as a mapping. Raises InputError with the fix."""
    p = Path(path)
    text = read_text(p, "a model card (README.md)", FIX)
    m = _FRONT.match(text)
    if not m:
        raise InputError(f"{p} has no YAML front matter: the first line must be '---' and a second '---' "
                         f"line must close the block. {FIX}")
    try:
        data = yaml.load(m.group(1), Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark
        where = f"{p}:{mark.line + 2}" if mark else str(p)  # +1 for 0-based, +1 for the opening '---'
        raise InputError(f"{where}: the front matter is not valid YAML ({exc.problem}).") from None
    except yaml.YAMLError as exc:
        raise InputError(f"{p}: the front matter is not valid YAML ({exc}).") from None
    if not isinstance(data, dict):
        raise InputError(f"{p}: the front matter is not a mapping of metadata keys. {FIX}")
    return data


def _grams(value: Any, file: str) -> float:
    if isinstance(value, bool) or value is None:
        raise InputError(f"{file}: co2_eq_emissions.emissions is {value!r}, not a number of grams.")
    if isinstance(value, (int, float)):
        grams = float(value)
    else:
        try:
            grams = parse_number(str(value))
        except NumberError:
            raise InputError(f"{file}: co2_eq_emissions.emissions is '{value}', not a number of grams "
                             "(the Hub expects a bare number, e.g. 232380).") from None
    if grams < 0 or grams != grams:
        raise InputError(f"{file}: co2_eq_emissions.emissions is {value}; emissions cannot be negative.")
    return grams


def _method(source: str) -> str:
    s = source.lower()
    if "codecarbon" in s.replace(" ", "") or "autotrain" in s:
        return "measured"
    return "estimated"


def to_fragment(path: str | Path, std: Standard, phase: str | None = None) -> Fragment:
    """Read the card's co2_eq_emissions into the training or fine-tuning fields."""
    p = Path(path)
    meta = front_matter(p)
    if "co2_eq_emissions" not in meta:
        keys = ", ".join(sorted(map(str, meta))[:8]) or "none"
        raise InputError(f"{p}: the front matter has no co2_eq_emissions block (keys found: {keys}). Add one "
                         "as described at huggingface.co/docs/hub/model-cards-co2.")
    block = meta["co2_eq_emissions"]
    if not isinstance(block, dict):
        block = {"emissions": block}
    if "emissions" not in block:
        raise InputError(f"{p}: co2_eq_emissions has no 'emissions' (grams of CO2e); nothing to import.")
    grams = _grams(block["emissions"], p.name)
    frag = Fragment(tool="hf-model-card", source_file=p.name)
    card_type = str(block.get("training_type") or "").strip()
    mapped = TRAINING_TYPES.get(card_type.lower())
    if phase is None:
        if mapped is None:
            what = f"training_type '{card_type}'" if card_type else "no training_type"
            raise InputError(f"{p}: co2_eq_emissions has {what}; say which phase the emissions belong to with "
                             "--phase training or --phase finetuning.")
        phase = mapped
    elif mapped and mapped != phase:
        frag.notes.append(f"the card says training_type '{card_type}' but --phase {phase} was given; "
                          f"the values go to {phase}.")
    card_source = str(block.get("source") or "").strip()
    source = (f"Hugging Face model card {p.name}, co2_eq_emissions: {round_sig(grams, 6)} g"
              + (f"; source: {card_source}" if card_source else "; no source given in the card"))
    frag.put(std, f"{phase}.ghg_location", quantity(grams / 1000, "kgCO2e", _method(card_source), source),
             "emissions")
    hardware = str(block.get("hardware_used") or "").strip()
    if hardware:
        count, model = split_count(hardware)
        frag.put(std, f"{phase}.accelerator_model", model, f"hardware_used '{hardware}'")
        if count is not None:
            frag.put(std, f"{phase}.accelerator_count", count, f"the count in hardware_used '{hardware}'")
    _location(frag, std, phase, str(block.get("geographical_location") or "").strip())
    return frag


def split_count(text: str) -> tuple[int | None, str]:
    """'8 x A100' or '8x NVIDIA A100' → (8, 'A100'); anything else → (None, text)."""
    m = _COUNT.match(text)
    return (int(m.group(1)), m.group(2)) if m and not _COUNT.match(m.group(2)) else (None, text.strip())


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
        frag.notes.append(f"geographical_location '{place}' is not a country name or code, and {phase} has no "
                          "region field: it was kept in the source text only.")


# -- export ------------------------------------------------------------------------------------
def export_block(ev: Evaluation, std: Standard, phase: str | None = None) -> tuple[dict[str, Any], list[str]]:
    """The co2_eq_emissions block of a disclosure, and what could not be filled.

    Raises ValueError when the phase has no location-based GHG value (supplied or derived).
    """
    candidates = [phase] if phase else ["training", "finetuning"]
    chosen = next((ph for ph in candidates if _has(ev, f"{ph}.ghg_location")), None)
    if chosen is None:
        names = " or ".join(f"{ph}.ghg_location" for ph in candidates)
        raise ValueError(f"{names} has no value (neither supplied nor derivable), so there are no emissions to "
                         "export. Run `reportgen check` to see what is missing.")
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
