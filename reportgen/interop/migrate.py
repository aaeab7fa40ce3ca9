"""Rewrite a disclosure for another edition (`reportgen migrate`): the top-level `standard` key (A1) set.

YAML keeps its text, comments and layout: the `standard:` line is replaced, or one is inserted after the
file's opening comments, and the result is re-read to prove that it means the same tree with the new key
(as `import --into` does, reportgen/interop/merge.py). When that cannot be done safely (flow style, a
multi-line `standard` value...), the whole tree is written out and its header says the comments were not
kept. JSON has no comments: the key is set first and the tree written out. Values are never changed:
what the new edition does with them is the evaluation's business, which `migrate` prints.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from reportgen.errors import InputError
from reportgen.inputs import EDITION_KEY
from reportgen.inputs import tree as tree_mod
from reportgen.interop import dump_yaml
from reportgen.standard import Standard


def _same(before: dict[str, Any], after: dict[str, Any], name: str) -> bool:
    expected = {EDITION_KEY: name, **{k: v for k, v in before.items() if k != EDITION_KEY}}
    return (
        after == expected
        and list(after)[0] == EDITION_KEY
        or (EDITION_KEY in before and after == {**before, EDITION_KEY: name})
    )


def _edit_yaml(text: str, tree: tree_mod.Tree, name: str) -> str | None:
    """The text with the edition line set; None when the edit would not read back as intended."""
    lines = text.splitlines(keepends=True)
    line_no = tree.lines.get((EDITION_KEY,))
    new_line = f"{EDITION_KEY}: {name}"
    if line_no is not None:
        old = lines[line_no - 1]
        m = re.match(rf"^{EDITION_KEY}\s*:[^#\n]*(\s#.*)?(\r?\n)?$", old)
        if m is None:
            return None
        lines[line_no - 1] = new_line + (m.group(1) or "") + (m.group(2) or "\n")
    else:
        at = 0  # after the opening comments, blank lines and document marker
        while at < len(lines) and (
            not lines[at].strip() or lines[at].lstrip().startswith("#") or lines[at].startswith(("---", "%"))
        ):
            at += 1
        lines.insert(at, new_line + "\n\n")
    edited = "".join(lines)
    try:
        again = tree_mod.parse_yaml(Path(tree.file), edited)
    except InputError:
        return None
    return edited if not again.duplicates and _same(tree.data, again.data, name) else None


def rewrite(path: Path, std: Standard, as_json: bool = False) -> tuple[str, bool]:
    """The text of `path` for edition `std` (as JSON when `as_json`), and whether its comments were kept."""
    text = tree_mod.decode(path, tree_mod.read_bytes(path))
    name = std.name
    is_json = path.suffix.lower() == ".json" or (
        path.suffix.lower() not in {".yaml", ".yml"} and text.lstrip().startswith("{")
    )
    tree = tree_mod.parse_json(path, text) if is_json else tree_mod.parse_yaml(path, text)
    if is_json or as_json:
        data = {EDITION_KEY: name, **{k: v for k, v in tree.data.items() if k != EDITION_KEY}}
        return json.dumps(data, ensure_ascii=False, indent=2, default=str) + "\n", is_json or "#" not in text
    edited = _edit_yaml(text, tree, name)
    if edited is not None:
        return edited, True
    data = {EDITION_KEY: name, **{k: v for k, v in tree.data.items() if k != EDITION_KEY}}
    header = [f"{path.name} migrated to {name} by `reportgen migrate`."]
    if "#" in text:
        header.append(
            f"The comments of {path.name} were not kept: copy them back from the original if needed."
        )
    return dump_yaml(data, header), "#" not in text
