"""Which encoding of an edition a report was evaluated with: its digest, and the check `verify` makes.

A report must verify forever under the edition it names, so the digest covers only what changes results
(fields, types, units, obligations and conditions, finding codes and severities, rules, formulas and
their constants, roles): the normative content, selected by `standard/digests.yaml`. Labels, help,
messages, fixes and formula texts are wording: a translation or a typo fix leaves the digest as it was.
The same file lists, per edition, every digest a reportgen release wrote for it (and the whole-folder
digests of the development builds before this one, whose normative content is the same), so that
reports made by earlier versions keep verifying; a test fails when the shipped content's digest is not
listed, so changing what results depend on is a conscious entry there, or a new edition.
"""

from __future__ import annotations

import functools
import hashlib
import re
from pathlib import Path
from typing import Any

import rfc8785

from reportgen.proof.checks import Check, Difference
from reportgen.standard import Standard, editions
from reportgen.standard.editions import AMENDMENT_FILE, read_yaml

DIGESTS_FILE = "digests.yaml"
LANGUAGES = frozenset({"en", "fr"})  # a mapping of these to strings is a translated text


@functools.lru_cache(maxsize=1)
def registry() -> dict[str, Any]:
    """`standard/digests.yaml`, beside the editions: the normative selection and the known digests."""
    return read_yaml(editions.editions_root() / DIGESTS_FILE)


def known_digests(edition: str) -> dict[str, str]:
    """Digest → what wrote it, for the edition named `AILD D1`; empty for an edition not listed."""
    entries = (registry().get("known") or {}).get(edition) or []
    return {e["digest"]: e.get("note", "") for e in entries}


@functools.lru_cache(maxsize=8)
def edition_digest(directory: Path) -> str:
    """`sha256:` + SHA-256 of the RFC 8785 JSON of {folder/file: its normative content} over the normative
    files of the edition's folder and, for an amended edition (D1.1), of the editions it amends.

    A YAML file's content is its data with every translated text (a mapping of languages to strings)
    replaced by null and the `ignored_keys` (wording only) left out; comments and layout never count.
    A text file (units.txt) counts line by line, without comments, blank lines or repeated spaces.
    """
    selection = registry()["normative"]
    files: dict[str, Any] = {}
    for folder in _edition_folders(Path(directory)):
        for name in selection["files"]:
            path = folder / name
            if not path.is_file():
                continue
            if path.suffix in (".yaml", ".yml"):
                content = _normative(read_yaml(path), frozenset(selection["ignored_keys"]))
            else:
                content = _lines(path.read_text(encoding="utf-8"))
            files[f"{folder.name}/{name}"] = content
    return "sha256:" + hashlib.sha256(rfc8785.dumps(files)).hexdigest()


def _normative(node: Any, ignored: frozenset[str]) -> Any:
    if isinstance(node, dict):
        if node and set(node) <= LANGUAGES and all(isinstance(v, str) for v in node.values()):
            return None  # a label, help, message or fix: its presence counts, not its words
        return {str(k): _normative(v, ignored) for k, v in node.items() if str(k) not in ignored}
    if isinstance(node, list):
        return [_normative(v, ignored) for v in node]
    if node is None or isinstance(node, (bool, int, float, str)):
        return node
    return str(node)  # a date written bare in YAML


def _lines(text: str) -> list[str]:
    lines = (re.sub(r"\s+", " ", line.split("#", 1)[0]).strip() for line in text.splitlines())
    return [line for line in lines if line]


def _edition_folders(directory: Path) -> list[Path]:
    """The edition's folder, then the folder of its base edition, and so on (a loop is refused on load)."""
    folders = [directory]
    while (folders[-1] / AMENDMENT_FILE).is_file() and len(folders) < 16:
        doc = read_yaml(folders[-1] / AMENDMENT_FILE)
        base = (
            editions.shipped_editions().get(f"{doc.get('id')} {doc.get('base')}")
            if isinstance(doc, dict)
            else None
        )
        if base is None or base in folders:
            break
        folders.append(base)
    return folders


def edition_check(payload: dict[str, Any], std: Standard) -> Check:
    """The report was evaluated with the normative content of the edition that this reportgen ships, or
    with an encoding that an earlier reportgen shipped for it (the same content, other wording)."""
    name = f"{std.id} {std.edition}"
    shipped = edition_digest(std.directory)
    claimed = payload.get("edition_digest")
    if claimed is None:
        return Check(
            "edition",
            True,
            f"re-evaluated with the {name} that this reportgen ships (the report "
            "predates edition digests, reportgen 0.1.0, so it does not name the encoding it used)",
        )
    if claimed == shipped:
        return Check("edition", True, f"the report was evaluated with the {name} that this reportgen ships")
    known = known_digests(name)
    if claimed in known:
        return Check(
            "edition",
            True,
            f"the report was evaluated with the {name} of an earlier reportgen ({known[claimed]}), "
            "whose fields, units, obligations, rules and formulas this reportgen ships unchanged",
        )
    return Check(
        "edition",
        False,
        f"the report was evaluated with another encoding of {name} than the one this reportgen "
        "ships, and not one an earlier reportgen shipped: a modified copy of the edition, or a reportgen "
        "whose encoding differs in what changes results (fields, units, obligations, rules, formulas)",
        [Difference("edition_digest", shipped, claimed)],
    )
