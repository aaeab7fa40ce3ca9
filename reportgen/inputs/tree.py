"""Read a YAML or JSON disclosure into a tree of plain values, remembering the line of every key.

PyYAML's composer gives each node its position; we build the tree from the nodes ourselves so that
findings can say `file:line`, duplicate keys are caught rather than silently overwritten, and alias
bombs are refused. JSON is parsed by the json module (exact numbers) and located through the same
composer when the text is also valid YAML, which it almost always is.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import yaml
from yaml.nodes import MappingNode, ScalarNode, SequenceNode

from reportgen.errors import InputError

MAX_BYTES = 10 * 1024 * 1024
MAX_NODES = 200_000
_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class Tree:
    """A parsed input: the nested mapping, the line of each key path, and duplicate keys seen."""

    def __init__(self, data: dict[str, Any], file: str) -> None:
        self.data = data
        self.file = file
        self.lines: dict[tuple[str, ...], int] = {}
        self.raw_scalars: dict[tuple[str, ...], str] = {}
        self.duplicates: list[tuple[tuple[str, ...], int]] = []


def _size(n: int) -> str:
    return f"{n / 1048576:.1f} MiB" if n >= 1048576 else f"{n / 1024:.0f} KiB"


def read_bytes(path: Path, limit: int = MAX_BYTES, what: str = "a disclosure file",
               fix: str = "Give a .yaml, .json or .xlsx file.") -> bytes:
    """Read a file the user named, turning every OS-level problem into an InputError (exit 2).

    Shared by every reader (disclosures, workbooks, CodeCarbon CSVs, model cards, keys, signatures).
    """
    if not path.exists():
        raise InputError(f"{path}: no such file. Check the path (run the command from the right folder).")
    if path.is_dir():
        raise InputError(f"{path} is a directory, not {what}. {fix}".rstrip())
    try:
        size = path.stat().st_size
        if size > limit:
            raise InputError(f"{path} is {_size(size)}; {what} is limited to {_size(limit)}. "
                             "Check that this is the right file.")
        return path.read_bytes()
    except OSError as exc:
        raise InputError(f"{path}: cannot be read ({exc.strerror or exc}).") from exc


def decode(path: Path, raw: bytes) -> str:
    if not raw.strip():
        raise InputError(f"{path} is empty. Fill it in (see `reportgen template`) or give another file.")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError(
            f"{path} is not UTF-8 text (byte {exc.start}). Save it as UTF-8, or give the .xlsx workbook "
            "as it is."
        ) from None
    if "\x00" in text:
        raise InputError(f"{path} holds binary data, not YAML or JSON text.")
    return text


def _build(loader: Any, node: Any, path: tuple[str, ...], tree: Tree, budget: list[int]) -> Any:
    budget[0] += 1
    if budget[0] > MAX_NODES:
        raise InputError(f"{tree.file}: the document expands to more than {MAX_NODES} values (alias bomb?).")
    if isinstance(node, MappingNode):
        out: dict[str, Any] = {}
        for key_node, value_node in node.value:
            key = loader.construct_object(key_node, deep=True)
            key = str(key)
            sub = (*path, key)
            line = key_node.start_mark.line + 1
            if key in out:
                tree.duplicates.append((sub, line))
                continue
            tree.lines[sub] = line
            out[key] = _build(loader, value_node, sub, tree, budget)
        return out
    if isinstance(node, SequenceNode):
        return [_build(loader, n, (*path, str(i)), tree, budget) for i, n in enumerate(node.value)]
    if isinstance(node, ScalarNode):
        value = loader.construct_object(node, deep=True)
        if not isinstance(value, str) and node.style is None:
            tree.raw_scalars[path] = node.value
        return value
    raise InputError(f"{tree.file}: unsupported YAML node at {'.'.join(path)}")


def _compose(text: str, tree: Tree) -> Any:
    loader = _Loader(text)
    try:
        node = loader.get_single_node()
        return None if node is None else _build(loader, node, (), tree, [0])
    finally:
        loader.dispose()


def parse_yaml(path: Path, text: str) -> Tree:
    tree = Tree({}, str(path))
    try:
        data = _compose(text, tree)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        where = f"{path}:{mark.line + 1}:{mark.column + 1}" if mark else str(path)
        raise InputError(
            f"{where}: not valid YAML ({exc.problem or exc.context}). Check the indentation and quoting "
            "around that line."
        ) from None
    except yaml.YAMLError as exc:
        raise InputError(f"{path}: not valid YAML ({exc}).") from None
    except RecursionError:
        raise InputError(f"{path}: the document is nested too deeply.") from None
    return _as_mapping(path, data, tree)


def parse_json(path: Path, text: str) -> Tree:
    def pairs(items: list[tuple[str, Any]]) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for key, value in items:
            out.setdefault(key, value)  # the first wins, as for YAML; duplicates are reported
        return out

    try:
        data = json.loads(text, object_pairs_hook=pairs)
    except json.JSONDecodeError as exc:
        raise InputError(f"{path}:{exc.lineno}:{exc.colno}: not valid JSON ({exc.msg}).") from None
    except RecursionError:
        raise InputError(f"{path}: the document is nested too deeply.") from None
    tree = Tree({}, str(path))
    located = Tree({}, str(path))
    try:  # positions only; values come from json
        _compose(text, located)
        tree.lines, tree.duplicates = located.lines, located.duplicates
    except (yaml.YAMLError, InputError, RecursionError):
        pass
    return _as_mapping(path, data, tree)


def _as_mapping(path: Path, data: Any, tree: Tree) -> Tree:
    if data is None:
        raise InputError(f"{path} holds no data (only comments or blank lines).")
    if not isinstance(data, dict):
        raise InputError(
            f"{path}: the top level is a {type(data).__name__}, not a mapping of field groups "
            "(report:, organization:, system:, ...). See samples/ for the expected shape."
        )
    tree.data = data
    return tree
