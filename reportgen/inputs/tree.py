"""Read a YAML or JSON disclosure into a tree of plain values, remembering the line of every key.

PyYAML's parser gives each event its position; we build the tree from the events ourselves (YAML 1.2 core
schema, see yaml12) so that findings can say `file:line`, duplicate keys are caught rather than silently
overwritten, and a document too large or too aliased is refused before it is built. JSON is parsed by the
json module (exact numbers) and located through the same builder when the text is also valid YAML, which it
almost always is.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import yaml
from yaml.composer import ComposerError
from yaml.events import (
    AliasEvent,
    MappingEndEvent,
    ScalarEvent,
    SequenceEndEvent,
    SequenceStartEvent,
    StreamEndEvent,
)
from yaml.nodes import ScalarNode

from reportgen.errors import InputError
from reportgen.inputs import yaml12

MAX_BYTES = 10 * 1024 * 1024
MAX_NODES = 50_000  # keys and values; a disclosure has about a thousand, a model card a few thousand
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


def read_bytes(
    path: Path,
    limit: int = MAX_BYTES,
    what: str = "a disclosure file",
    fix: str = "Give a .yaml, .json or .xlsx file.",
) -> bytes:
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
            raise InputError(
                f"{path} is {_size(size)}; {what} is limited to {_size(limit)}. "
                "Check that this is the right file."
            )
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
        raise InputError(
            f"{_located(tree, line)}: the text holds an escape such as \\ud800, half of a UTF-16 "
            f"surrogate pair with no other half{where}, which is not a character. Write the "
            "character itself, or both halves of the pair."
        )


def _too_many(tree: Tree) -> InputError:
    return InputError(
        f"{tree.file}: the document holds more than {MAX_NODES:,} keys and values (an alias counts "
        "as all it repeats), far more than any disclosure or model card. Check that this is the "
        "right file, or write out what the aliases repeat."
    )


class _Builder:
    """Build plain values straight from the parser's events, so that the budget stops a huge or aliased
    document before it is composed: PyYAML's composer would first build every node (10 MiB of keys took
    14 s), and an alias bomb never expands in its nodes, only in what is built from them.

    An alias is charged with the size of what it repeats and shares its value; the lines (and raw texts)
    under its anchor are copied to the alias's path, so findings there are located too.
    """

    def __init__(self, loader: Any, tree: Tree) -> None:
        self.loader, self.tree = loader, tree
        self.count = 0
        self.anchors: dict[str, tuple[Any, int, tuple[str, ...], int, int]] = {}
        self.records: list[tuple[bool, tuple[str, ...], Any]] = []  # (is_line, path, line or raw text)

    def line(self, event: Any) -> int:
        return event.start_mark.line + 1 + self.tree.line_offset

    def charge(self, n: int, event: Any, depth: int) -> None:
        self.count += n
        if self.count > MAX_NODES:
            raise _too_many(self.tree)
        if depth > MAX_DEPTH:
            raise InputError(
                f"{_located(self.tree, self.line(event))}: the document is nested more than "
                f"{MAX_DEPTH} levels deep; a disclosure has three or four."
            )

    def record(self, is_line: bool, path: tuple[str, ...], value: Any) -> None:
        (self.tree.lines if is_line else self.tree.raw_scalars)[path] = value
        self.records.append((is_line, path, value))

    def document(self) -> Any:
        get, check = self.loader.get_event, self.loader.check_event
        get()  # stream start
        if check(StreamEndEvent):
            return None
        start = get()  # document start
        value, _ = self.node((), 0)
        get()  # document end
        if not check(StreamEndEvent):
            raise ComposerError(
                "expected a single document in the stream",
                start.start_mark,
                "but found another document",
                get().start_mark,
            )
        return value

    def _tag(self, event: Any, expected: str) -> None:
        if event.tag not in (None, "!", expected):
            raise InputError(
                f"{_located(self.tree, self.line(event))}: the tag {event.tag} is not supported; remove it."
            )

    def node(self, path: tuple[str, ...], depth: int) -> tuple[Any, int]:
        """The value of the next node and how many keys and values it holds."""
        event = self.loader.get_event()
        if isinstance(event, AliasEvent):
            if event.anchor not in self.anchors:  # undefined, or used inside its own anchor
                # libyaml's marks are typed apart from PyYAML's in the stubs; ComposerError reads the same fields
                mark = event.start_mark
                raise ComposerError(None, None, f"found undefined alias {event.anchor}", mark)  # type: ignore[arg-type]
            value, size, at, first, last = self.anchors[event.anchor]
            self.charge(size, event, depth)
            for is_line, sub, v in self.records[first:last]:
                self.record(is_line, path + sub[len(at) :], v)
            return value, size
        self.charge(1, event, depth)
        first = len(self.records)
        if isinstance(event, ScalarEvent):
            value, size = self.scalar(event, path), 1
        elif isinstance(event, SequenceStartEvent):
            self._tag(event, yaml12.SEQ)
            items: list[Any] = []
            size = 1
            while not self.loader.check_event(SequenceEndEvent):
                item, n = self.node((*path, str(len(items))), depth + 1)
                items.append(item)
                size += n
            self.loader.get_event()
            value = items
        else:
            self._tag(event, yaml12.MAP)
            value, size = self.mapping(path, depth)
        if event.anchor is not None:
            self.anchors[event.anchor] = (value, size, path, first, len(self.records))
        return value, size

    def mapping(self, path: tuple[str, ...], depth: int) -> tuple[dict[str, Any], int]:
        out: dict[str, Any] = {}
        size = 1
        while not self.loader.check_event(MappingEndEvent):
            event = self.loader.peek_event()
            key_line = self.line(event)
            if not isinstance(event, ScalarEvent):
                raise InputError(
                    f"{_located(self.tree, key_line)}: a key must be plain text, not a list, a mapping "
                    "or an alias."
                )
            if not event.style and event.value == "<<":  # plain style: None, or "" from libyaml
                raise InputError(
                    f"{_located(self.tree, key_line)}: '<<' (a YAML merge key) is not supported: "
                    "reportgen reads YAML 1.2, which has no merge keys. Write the keys out in full here."
                )
            self.loader.get_event()
            self.charge(1, event, depth + 1)
            key = str(self.scalar(event, None))
            if event.anchor is not None:
                self.anchors[event.anchor] = (key, 1, path, len(self.records), len(self.records))
            _check_text(key, self.tree, key_line, path)
            sub = (*path, key)
            if key in out:
                self.tree.duplicates.append((sub, key_line))
                size += 1 + self.node(sub, depth + 1)[1]  # read and charged, not kept
                continue
            self.record(True, sub, key_line)
            out[key], n = self.node(sub, depth + 1)
            size += 1 + n
        self.loader.get_event()
        return out, size

    def scalar(self, event: Any, path: tuple[str, ...] | None) -> Any:
        """The scalar of the core schema; `path` None for a key (its raw text is not kept)."""
        tag = event.tag
        if tag is None or tag == "!":
            tag = self.loader.resolve(ScalarNode, event.value, event.implicit)
        node = ScalarNode(tag, event.value, event.start_mark, event.end_mark, style=event.style)
        constructors = self.loader.yaml_constructors
        value = constructors.get(tag, constructors[None])(self.loader, node)
        if isinstance(value, str):
            _check_text(value, self.tree, self.line(event), path or ())
        elif path is not None and not event.style:  # plain (None, or "" from libyaml): keep the text as typed
            self.record(False, path, event.value)
        return value


def _compose(text: str, tree: Tree) -> Any:
    loader = yaml12.Loader(text)
    try:
        return _Builder(loader, tree).document()
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


def _check_json(data: Any, tree: Tree, text: str) -> None:
    """The YAML reader's limits for a JSON tree: the node budget, the depth, and no lone surrogate
    (located). Without the depth, a value nested 255 deep passed here and crashed the payload writer."""
    count = 0
    stack: list[tuple[Any, tuple[str, ...]]] = [(data, ())]
    while stack:  # iteratively: no recursion on deep input
        node, at = stack.pop()
        count += 1
        if count > MAX_NODES:
            raise _too_many(tree)
        if len(at) > MAX_DEPTH:
            raise InputError(
                f"{tree.file}: the document is nested more than {MAX_DEPTH} levels deep (at "
                f"{'.'.join(at[:4])}…); a disclosure has three or four."
            )
        if isinstance(node, str) and _SURROGATE.search(node):
            _check_text(node, tree, _surrogate_line(text), at)
        elif isinstance(node, dict):
            for key, value in node.items():
                count += 1
                if _SURROGATE.search(key):
                    _check_text(key, tree, _surrogate_line(text), (*at, key))
                stack.append((value, (*at, key)))
        elif isinstance(node, list):
            stack.extend((value, (*at, str(i))) for i, value in enumerate(node))


def parse_json(path: Path, text: str) -> Tree:
    tree = Tree({}, str(path))
    seen = [0]  # keys and numbers so far: a huge document stops early, as YAML does

    def charge(n: int) -> None:
        seen[0] += n
        if seen[0] > MAX_NODES:
            raise _too_many(tree)

    def pairs(items: list[tuple[str, Any]]) -> dict[str, Any]:
        charge(len(items))
        out: dict[str, Any] = {}
        for key, value in items:
            out.setdefault(key, value)  # the first wins, as for YAML; duplicates are reported
        return out

    def integer(text: str) -> int | str:
        charge(1)
        return yaml12.int_or_text(text)

    def decimal(text: str) -> float | str:
        charge(1)
        return yaml12.float_or_text(text)

    try:  # numbers beyond float range stay text, as in YAML: typing says they are too large
        data = json.loads(text, object_pairs_hook=pairs, parse_int=integer, parse_float=decimal)
    except json.JSONDecodeError as exc:
        raise InputError(f"{path}:{exc.lineno}:{exc.colno}: not valid JSON ({exc.msg}).") from None
    except RecursionError:
        raise InputError(f"{path}: the document is nested too deeply.") from None
    _check_json(data, tree, text)
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
