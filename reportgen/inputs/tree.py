"""Read a YAML or JSON disclosure into a tree of plain values, remembering the line of every key.

PyYAML's composer gives each node its position; we build the tree from the nodes ourselves so that
findings can say `file:line`, duplicate keys are caught rather than silently overwritten, and alias
bombs are refused. JSON is parsed by the json module (exact numbers) and located through the same
composer when the text is also valid YAML, which it almost always is.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import yaml
from yaml.nodes import MappingNode, ScalarNode, SequenceNode

from reportgen.errors import InputError
from reportgen.inputs import yaml12

MAX_BYTES = 10 * 1024 * 1024
MAX_NODES = 200_000
MAX_DEPTH = 64
_SURROGATE = re.compile("[\ud800-\udfff]")
_ESCAPE = re.compile(r"\\(?:u([0-9a-fA-F]{4})|.)", re.S)


class Tree:
    """A parsed input: the nested mapping, the line of each key path, and duplicate keys seen."""

    def __init__(self, data: Any, file: str, line_offset: int = 0) -> None:
        self.data = data
        self.file = file
        self.line_offset = line_offset
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


def _located(tree: Tree, line: int | None) -> str:
    return f"{tree.file}:{line}" if line else tree.file


def _check_text(text: str, tree: Tree, line: int | None, path: tuple[str, ...]) -> None:
    """A lone UTF-16 surrogate is not a character: it cannot be printed, written to a PDF or hashed."""
    if _SURROGATE.search(text):
        where = f" (in {'.'.join(path)})" if path else ""
        raise InputError(f"{_located(tree, line)}: the text holds an escape such as \\ud800, half of a UTF-16 "
                         f"surrogate pair with no other half{where}, which is not a character. Write the "
                         "character itself, or both halves of the pair.")


def _build(loader: Any, node: Any, path: tuple[str, ...], tree: Tree, budget: list[int], depth: int = 0) -> Any:
    """Build plain values from the composed nodes, counting every node an alias expands to."""
    budget[0] += 1
    line = node.start_mark.line + 1 + tree.line_offset
    if budget[0] > MAX_NODES:
        raise InputError(f"{tree.file}: the document holds more than {MAX_NODES:,} keys and values (an alias "
                         "counts as all it repeats), far more than any disclosure or model card. Check that this "
                         "is the right file, or write out what the aliases repeat.")
    if depth > MAX_DEPTH:
        raise InputError(f"{_located(tree, line)}: the document is nested more than {MAX_DEPTH} levels deep; a "
                         "disclosure has three or four.")
    if isinstance(node, MappingNode):
        if node.tag != yaml12.MAP:
            raise InputError(f"{_located(tree, line)}: the tag {node.tag} is not supported; remove it.")
        out: dict[str, Any] = {}
        for key_node, value_node in node.value:
            key_line = key_node.start_mark.line + 1 + tree.line_offset
            if not isinstance(key_node, ScalarNode):
                raise InputError(f"{_located(tree, key_line)}: a key must be plain text, not a list or a mapping.")
            if not key_node.style and key_node.value == "<<":  # plain style: None, or "" from libyaml
                raise InputError(f"{_located(tree, key_line)}: '<<' (a YAML merge key) is not supported: reportgen "
                                 "reads YAML 1.2, which has no merge keys. Write the keys out in full here.")
            budget[0] += 1
            key = str(loader.construct_object(key_node, deep=True))
            _check_text(key, tree, key_line, path)
            sub = (*path, key)
            if key in out:
                tree.duplicates.append((sub, key_line))
                continue
            tree.lines[sub] = key_line
            out[key] = _build(loader, value_node, sub, tree, budget, depth + 1)
        return out
    if isinstance(node, SequenceNode):
        if node.tag != yaml12.SEQ:
            raise InputError(f"{_located(tree, line)}: the tag {node.tag} is not supported; remove it.")
        return [_build(loader, n, (*path, str(i)), tree, budget, depth + 1) for i, n in enumerate(node.value)]
    value = loader.construct_object(node, deep=True)
    if isinstance(value, str):
        _check_text(value, tree, line, path)
    elif not node.style:  # plain (None, or "" from libyaml): keep the text as typed
        tree.raw_scalars[path] = node.value
    return value


def _compose(text: str, tree: Tree) -> Any:
    loader = yaml12.Loader(text)
    try:
        node = loader.get_single_node()
        return None if node is None else _build(loader, node, (), tree, [0])
    finally:
        loader.dispose()


def load_yaml(path: Path, text: str, line_offset: int = 0) -> Tree:
    """The one reader of YAML that users give (disclosures, --into targets, model card front matter).

    YAML 1.2 core schema (see yaml12), at most MAX_NODES values after alias expansion, no merge keys.
    `line_offset` is the line of the text within its file (front matter starts on line 2). The data may be
    of any type; `parse_yaml` requires a mapping.
    """
    tree = Tree({}, str(path), line_offset)
    try:
        tree.data = _compose(text, tree)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        where = f"{path}:{mark.line + 1 + line_offset}:{mark.column + 1}" if mark else str(path)
        raise InputError(
            f"{where}: not valid YAML ({exc.problem or exc.context}). Check the indentation and quoting "
            "around that line."
        ) from None
    except yaml.YAMLError as exc:
        raise InputError(f"{path}: not valid YAML ({exc}).") from None
    except RecursionError:
        raise InputError(f"{path}: the document is nested too deeply.") from None
    return tree


def parse_yaml(path: Path, text: str) -> Tree:
    tree = load_yaml(path, text)
    return _as_mapping(path, tree.data, tree)


def _surrogate_line(text: str) -> int | None:
    """The line of the first JSON escape that decodes to a lone surrogate (json.loads does not say)."""
    pending: re.Match[str] | None = None
    for m in _ESCAPE.finditer(text):
        code = int(m.group(1), 16) if m.group(1) else None
        if pending is not None:
            if code is not None and 0xDC00 <= code <= 0xDFFF and m.start() == pending.end():
                pending = None
                continue
            return text.count("\n", 0, pending.start()) + 1
        if code is not None and 0xD800 <= code <= 0xDBFF:
            pending = m
        elif code is not None and 0xDC00 <= code <= 0xDFFF:
            return text.count("\n", 0, m.start()) + 1
    return None if pending is None else text.count("\n", 0, pending.start()) + 1


def _json_strings(data: Any, path: tuple[str, ...] = ()) -> Any:
    """Every key and string of a JSON tree, with its path (iteratively: no recursion on deep input)."""
    stack = [(data, path)]
    while stack:
        node, at = stack.pop()
        if isinstance(node, str):
            yield node, at
        elif isinstance(node, dict):
            for key, value in node.items():
                yield key, (*at, key)
                stack.append((value, (*at, key)))
        elif isinstance(node, list):
            stack.extend((value, (*at, str(i))) for i, value in enumerate(node))


def parse_json(path: Path, text: str) -> Tree:
    def pairs(items: list[tuple[str, Any]]) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for key, value in items:
            out.setdefault(key, value)  # the first wins, as for YAML; duplicates are reported
        return out

    try:  # numbers beyond float range stay text, as in YAML: typing says they are too large
        data = json.loads(text, object_pairs_hook=pairs, parse_int=yaml12.int_or_text,
                          parse_float=yaml12.float_or_text)
    except json.JSONDecodeError as exc:
        raise InputError(f"{path}:{exc.lineno}:{exc.colno}: not valid JSON ({exc.msg}).") from None
    except RecursionError:
        raise InputError(f"{path}: the document is nested too deeply.") from None
    tree = Tree({}, str(path))
    for s, at in _json_strings(data):
        if _SURROGATE.search(s):
            _check_text(s, tree, _surrogate_line(text), at)
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
