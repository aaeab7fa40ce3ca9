"""Apply an amendment (`standard/<edition>/amendment.yaml`) to the raw data of its base edition.

An amendment is data, like the edition it amends. It says what it adds (`add`: entries the base must not
have: fields in the `fields.yaml` format, sections, enumerations, finding codes, formulas, rules) and what
it changes (`change`: entries the base must have, merged key by key; a scalar or list is replaced, an
attribute the entry lacks is set),
and `remove` (entries to drop, written as a `change` whose leaves are null). The result is the same kind
of raw mapping that a base edition's files give, so one pydantic schema validates both: a later
amendment (Annex D's activity data, say) is one more block of data, not new loader code.

Operations are strict so that an amendment cannot silently drift from its base: adding what exists, or
changing what does not, fails when the standard loads and names the entry.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from pathlib import Path
from typing import Any

from reportgen.errors import StandardError

HEADER_KEYS = ("id", "edition", "base", "title", "date", "texts", "clauses")
KEYS = frozenset({*HEADER_KEYS, "add", "change", "remove"})


def _fail(where: Path, path: list[str], why: str) -> StandardError:
    return StandardError(f"{where}: {'.'.join(path)}: {why}")


def _item_id(item: Any) -> Any:
    return item.get("id") if isinstance(item, dict) else item


def _add(target: dict[str, Any], patch: dict[str, Any], where: Path, path: list[str]) -> None:
    for key, value in patch.items():
        here = [*path, str(key)]
        if key not in target:
            target[key] = copy.deepcopy(value)
        elif isinstance(target[key], dict) and isinstance(value, dict):
            _add(target[key], value, where, here)
        elif isinstance(target[key], list) and isinstance(value, list):
            present = {repr(_item_id(i)) for i in target[key]}
            for item in value:
                if repr(_item_id(item)) in present:
                    raise _fail(
                        where,
                        here,
                        f"'{_item_id(item)}' is already in the base edition; amend it under `change`",
                    )
                target[key].append(copy.deepcopy(item))
        else:
            raise _fail(where, here, "is already in the base edition; amend it under `change`")


def _change(
    target: dict[str, Any], patch: dict[str, Any], where: Path, path: list[str], remove: bool
) -> None:
    for key, value in patch.items():
        here = [*path, str(key)]
        if key not in target and (remove or isinstance(value, dict) or len(path) < 3):
            # an entry (a field, a code, ...) must exist; an attribute of one may be set (the schema
            # refuses unknown attributes)
            raise _fail(
                where, here, "is not in the base edition" + ("" if remove else "; add it under `add`")
            )
        if key not in target:
            target[key] = copy.deepcopy(value)
        elif remove and value is None:
            del target[key]
        elif isinstance(target[key], dict) and isinstance(value, dict):
            _change(target[key], value, where, here, remove)
        elif remove:
            raise _fail(where, here, "`remove` names entries with null leaves")
        else:
            target[key] = copy.deepcopy(value)


def apply_amendment(
    base: dict[str, Any],
    doc: dict[str, Any],
    where: Path,
    expand_fields: Callable[[list[dict[str, Any]]], dict[str, Any]],
) -> dict[str, Any]:
    """The base edition's raw data with the amendment applied (not yet validated).

    `expand_fields` turns a list of Annex A rows (the `fields.yaml` format) into entries keyed by id.
    """
    unknown = sorted(set(doc) - KEYS)
    if unknown:
        raise StandardError(
            f"{where}: unknown key(s) {', '.join(unknown)} (an amendment has {', '.join(sorted(KEYS))})"
        )
    for key in ("add", "change", "remove"):
        if not isinstance(doc.get(key) or {}, dict):
            raise StandardError(f"{where}: `{key}` must be a mapping")
    data = copy.deepcopy(base)
    _change(data, doc.get("remove") or {}, where, ["remove"], remove=True)
    add = dict(doc.get("add") or {})
    if "fields" in add:
        if not isinstance(add["fields"], list):
            raise StandardError(f"{where}: add.fields is a list of Annex A rows, as in fields.yaml")
        add["fields"] = expand_fields(add["fields"])
    _add(data, add, where, ["add"])
    _change(data, doc.get("change") or {}, where, ["change"], remove=False)
    for key in HEADER_KEYS:
        if key in doc:
            data[key] = doc[key]
    data["data_dirs"] = [base["directory"], *base.get("data_dirs", [])]  # files it does not override
    return data
