"""A PyYAML loader with the YAML 1.2 core schema (YAML 1.2.2, 10.3.2) instead of PyYAML's YAML 1.1.

YAML 1.1 reads `country: NO` as false, `accelerator_count: 0400` as octal 256 and `wallclock_days: 1:20`
as sexagesimal 80, silently. Under the core schema these are the string "NO", the integer 400 and the
string "1:20", which is what a reporter means and what JSON tools expect. Only the core tags exist (null,
bool, int, float, str, seq, map): no timestamps (a date stays text; typing reads it), no merge keys (the
tree builder refuses `<<` by name), no `!!binary`, `!!set` or `!!python/...`.

A number beyond the range of a float (an integer of more than 309 digits, `1e400`) is kept as the text
written, so that typing can say it is too large instead of failing on it; `.inf` and `.nan` stay floats.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from typing import Any, ClassVar, TypeVar

import yaml
from yaml.constructor import ConstructorError, SafeConstructor
from yaml.nodes import ScalarNode
from yaml.resolver import BaseResolver

NULL = "tag:yaml.org,2002:null"
BOOL = "tag:yaml.org,2002:bool"
INT = "tag:yaml.org,2002:int"
FLOAT = "tag:yaml.org,2002:float"
STR = "tag:yaml.org,2002:str"
SEQ = "tag:yaml.org,2002:seq"
MAP = "tag:yaml.org,2002:map"

_NULL = re.compile(r"(?:~|null|Null|NULL|)\Z")
_BOOL = re.compile(r"(?:true|True|TRUE|false|False|FALSE)\Z")
_INT = re.compile(r"(?:[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+)\Z")
_FLOAT = re.compile(
    r"(?:[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?"
    r"|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))\Z"
)
FLOAT_BITS = 1024  # an integer of more bits than this cannot become a float (about 1.8 × 10^308)


class CoreResolver(BaseResolver):
    """Implicit tags of the core schema only; int is tried before float (`12` matches both)."""


for _tag, _regexp, _first in (
    (NULL, _NULL, ["~", "n", "N", ""]),
    (BOOL, _BOOL, list("tTfF")),
    (INT, _INT, list("-+0123456789")),
    (FLOAT, _FLOAT, list("-+0123456789.")),
):
    CoreResolver.add_implicit_resolver(_tag, _regexp, _first)


_Number = TypeVar("_Number", int, float)


def number_or_text(text: str, value: _Number) -> _Number | str:
    """The number, or the text written when it lies beyond float range (typing then says so)."""
    if isinstance(value, int) and abs(value).bit_length() > FLOAT_BITS:
        return text
    if isinstance(value, float) and math.isinf(value):
        return text
    return value


def int_or_text(text: str) -> int | str:
    """A decimal integer, or its text when it has too many digits to be a float (JSON's parse_int too)."""
    digits = text.lstrip("+-")
    if len(digits) > 400:  # > 309 digits is beyond float range; int() would refuse > 4,300 anyway
        return text
    return number_or_text(text, int(text, 10))


def float_or_text(text: str) -> float | str:
    return number_or_text(text, float(text))


class CoreConstructor(SafeConstructor):
    """Builds the scalars of the core schema; any other tag is refused by PyYAML with its name."""

    yaml_constructors: ClassVar[dict[Any, Any]] = {}

    def _text(self, node: Any, pattern: re.Pattern[str], what: str) -> str:
        text = self.construct_scalar(node)
        if not isinstance(node, ScalarNode) or not pattern.match(text):
            raise ConstructorError(None, None, f"'{text}' is not {what}", node.start_mark)
        return text

    def construct_core_null(self, node: Any) -> None:
        self._text(node, _NULL, "null")

    def construct_core_bool(self, node: Any) -> bool:
        return self._text(node, _BOOL, "true or false").lower() == "true"

    def construct_core_int(self, node: Any) -> int | str:
        text = self._text(node, _INT, "an integer")
        if text.startswith(("0o", "0x")):
            return number_or_text(text, int(text[2:], 8 if text[1] == "o" else 16))
        return int_or_text(text)

    def construct_core_float(self, node: Any) -> float | str:
        text = self._text(node, _FLOAT, "a number")
        special = text.lstrip("+-").lower()
        if special == ".inf":
            return -math.inf if text.startswith("-") else math.inf
        if special == ".nan":
            return math.nan
        return float_or_text(text)


_CONSTRUCTORS: tuple[tuple[str | None, Callable[..., Any]], ...] = (
    (NULL, CoreConstructor.construct_core_null),
    (BOOL, CoreConstructor.construct_core_bool),
    (INT, CoreConstructor.construct_core_int),
    (FLOAT, CoreConstructor.construct_core_float),
    (STR, SafeConstructor.construct_yaml_str),
    (SEQ, SafeConstructor.construct_yaml_seq),
    (MAP, SafeConstructor.construct_yaml_map),
    (None, SafeConstructor.construct_undefined),
)
for _ctag, _fn in _CONSTRUCTORS:
    CoreConstructor.add_constructor(_ctag, _fn)

if getattr(yaml, "__with_libyaml__", False):
    from yaml._yaml import CParser

    class Loader(CParser, CoreConstructor, CoreResolver):
        """libyaml's parser (about 10× faster) with the core schema."""

        def __init__(self, stream: str) -> None:
            CParser.__init__(self, stream)
            CoreConstructor.__init__(self)
            CoreResolver.__init__(self)
else:  # pragma: no cover - PyYAML built without libyaml
    from yaml.composer import Composer
    from yaml.parser import Parser
    from yaml.reader import Reader
    from yaml.scanner import Scanner

    class Loader(Reader, Scanner, Parser, Composer, CoreConstructor, CoreResolver):  # type: ignore[no-redef]
        def __init__(self, stream: str) -> None:
            Reader.__init__(self, stream)
            Scanner.__init__(self)
            Parser.__init__(self)
            Composer.__init__(self)
            CoreConstructor.__init__(self)
            CoreResolver.__init__(self)
