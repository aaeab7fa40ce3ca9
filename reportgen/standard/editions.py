"""The shipped editions of the standard: found by exact name, and read as raw data before validation.

A base edition is a directory of data files (`standard.yaml`, `fields.yaml`, ...). An amended edition is
a directory holding `amendment.yaml`, which names its base edition and what it adds or changes
(`reportgen/amendment.py` applies it): D1.1 is D1 plus Amendment 1, never a second copy of the catalogue.
Both give the same raw mapping, which `reportgen.standard` validates with one pydantic schema.
"""

from __future__ import annotations

import functools
import re
from pathlib import Path
from typing import Any

import yaml

from reportgen.errors import StandardError
from reportgen.resources import data_dir
from reportgen.standard.amendment import apply_amendment

AMENDMENT_FILE = "amendment.yaml"


def read_yaml(path: Path) -> Any:
    try:
        with path.open(encoding="utf-8") as fh:
            return yaml.load(fh, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    except OSError as exc:
        raise StandardError(f"cannot read standard file {path}: {exc.strerror}") from exc
    except yaml.YAMLError as exc:
        raise StandardError(f"standard file {path} is not valid YAML: {exc}") from exc


def _expand_per_phase(raw: dict[str, Any], phases: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Turn an Annex A row written with PHASE into one field per phase."""
    out = []
    for ph in phases:
        f = {**raw, "id": raw["id"].replace("PHASE", ph["id"]), "template_id": raw["id"]}
        f["label"] = {k: f"{v.split(' (')[0]}: {ph['label'][k]}" for k, v in raw["label"].items()}
        if raw.get("condition"):
            cond = raw["condition"]
            f["condition"] = {
                **cond,
                "field": cond["field"].replace("PHASE", ph["id"]),
                "text": {k: v.replace("PHASE", ph["id"]) for k, v in cond["text"].items()},
            }
        out.append(f)
    return out


def editions_root() -> Path:
    """Where the editions live: shipped inside the wheel, or the repository's `standard/`."""
    return data_dir("standard")


def _edition_key(edition: str) -> tuple[int, ...]:
    """D1 < D1.1 < D2: editions compare by their numbers."""
    return tuple(int(n) for n in re.findall(r"\d+", edition))


@functools.lru_cache(maxsize=1)
def shipped_editions() -> dict[str, Path]:
    """`AILD D1` → its directory, for every edition directory shipped, oldest first.

    A base edition has `standard.yaml`; an amended one has `amendment.yaml` (AMENDMENT_FILE)."""
    found: dict[str, Path] = {}
    root = editions_root()
    for d in sorted(root.iterdir()) if root.is_dir() else []:
        head = next((d / n for n in ("standard.yaml", AMENDMENT_FILE) if (d / n).is_file()), None)
        if head is None:
            continue
        doc = read_yaml(head)
        if isinstance(doc, dict) and isinstance(doc.get("id"), str) and isinstance(doc.get("edition"), str):
            found[f"{doc['id']} {doc['edition']}"] = d
    return dict(sorted(found.items(), key=lambda kv: (kv[0].split(" ")[0], _edition_key(kv[0]))))


def available_editions() -> list[str]:
    return list(shipped_editions())


def latest_edition(standard_id: str = "AILD") -> str:
    """The edition applied when a disclosure names none (A1)."""
    names = [n.split(" ", 1)[1] for n in shipped_editions() if n.split(" ", 1)[0] == standard_id]
    if not names:
        raise StandardError(f"no edition of {standard_id} is shipped in {editions_root()}")
    return names[-1]


def resolve_edition(declared: Any) -> tuple[str, str] | None:
    """A1: the shipped edition a `standard` value names (trimmed, white space runs as one space, case
    ignored), as (id, edition); None for any other value, text or not."""
    if not isinstance(declared, str):
        return None
    wanted = " ".join(declared.split()).casefold()
    for name in shipped_editions():
        if name.casefold() == wanted:
            std_id, edition = name.split(" ", 1)
            return std_id, edition
    return None


def raw_edition(directory: Path, seen: tuple[Path, ...] = ()) -> dict[str, Any]:
    """The unvalidated data of one edition: its own files, or its base edition with its amendment."""
    if directory in seen:
        raise StandardError(f"{directory}: the editions' `base` keys form a loop")
    amendment_path = directory / AMENDMENT_FILE
    if amendment_path.is_file():
        doc = read_yaml(amendment_path)
        if not isinstance(doc, dict) or not isinstance(doc.get("base"), str):
            raise StandardError(f"{amendment_path}: an amendment is a mapping that names its `base` edition")
        base_dir = shipped_editions().get(f"{doc.get('id')} {doc['base']}")
        if base_dir is None:
            raise StandardError(
                f"{amendment_path}: base edition {doc.get('id')} {doc['base']} is not shipped "
                f"(shipped: {', '.join(shipped_editions()) or 'none'})"
            )
        base = raw_edition(base_dir, (*seen, directory))
        data = apply_amendment(
            base, doc, amendment_path, lambda raw: expand_fields(raw, base["phases"], amendment_path)
        )
        return _with_parts(data, directory)
    base = read_yaml(directory / "standard.yaml")
    if not isinstance(base, dict):
        raise StandardError(f"{directory / 'standard.yaml'}: top level must be a mapping")
    fields_doc = read_yaml(directory / "fields.yaml") or {}
    return _with_parts(
        {
            **base,
            "fields": expand_fields(
                fields_doc.get("fields", []), base.get("phases", []), directory / "fields.yaml"
            ),
            "findings": (read_yaml(directory / "findings.yaml") or {}).get("findings", {}),
            "rules": read_yaml(directory / "rules.yaml") or {},
            "calculations": read_yaml(directory / "calculations.yaml") or {},
            "crosswalk": read_yaml(directory / "crosswalk.yaml") or {},
            "directory": directory,
        },
        directory,
    )


def _with_parts(data: dict[str, Any], directory: Path) -> dict[str, Any]:
    """Parts of an edition kept in files of their own (Annex D: `findings-*.yaml`, `activity.yaml`)."""
    for extra in sorted(directory.glob("findings-*.yaml")):  # catalogue additions (A8, Annex D)
        added = (read_yaml(extra) or {}).get("findings") or {}
        twice = sorted(set(added) & set(data["findings"]))
        if twice:
            raise StandardError(f"{extra}: finding code(s) {', '.join(twice)} are already defined")
        data["findings"] = {**data["findings"], **added}
    if (directory / "activity.yaml").is_file():
        data["activity"] = read_yaml(directory / "activity.yaml")
    return data


def expand_fields(raws: list[dict[str, Any]], phases: list[dict[str, Any]], where: Path) -> dict[str, Any]:
    """Annex A rows as a mapping by field id, PHASE rows expanded; a field defined twice is refused."""
    fields: dict[str, Any] = {}
    for raw in raws:
        items = _expand_per_phase(raw, phases) if raw.get("per_phase") else [raw]
        for item in items:
            if item.get("id") in fields:
                raise StandardError(f"{where}: field {item['id']} is defined twice")
            fields[item.get("id", f"#{len(fields)}")] = item
    return fields
