"""What reportgen prints passes through here: control characters from the input are shown, not obeyed.

A key or value may carry ESC (`"\\e[2J"` in YAML, `"\\u001b"` in JSON), a CSI (U+009B) or a carriage
return; printed raw, they clear the screen, recolour or overwrite lines, or set the terminal's title. Every
text written to standard output or error is therefore escaped visibly (`\\u001b`, `\\u009b`, `\\r`), in this one
place, whatever command printed it. Newline and tab are kept. A lone surrogate, which cannot be encoded, is
escaped the same way rather than failing the whole output.
"""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Iterator
from typing import Any, TextIO

_CONTROLS = [*range(0x00, 0x09), *range(0x0B, 0x20), 0x7F, *range(0x80, 0xA0)]
# \uXXXX rather than \xXX: inside a string of `--format json` output it is a valid JSON escape too.
_TABLE: dict[int, str] = {c: f"\\u{c:04x}" for c in [*_CONTROLS, *range(0xD800, 0xE000)]}
_TABLE[0x0D] = "\\r"


def visible(text: str) -> str:
    """`text` with every control character (but newline and tab) and lone surrogate written as an escape."""
    return text.translate(_TABLE)


class VisibleStream:
    """A text stream that escapes what it is given before writing it to the real stream."""

    def __init__(self, stream: TextIO) -> None:
        self._stream = stream

    def write(self, text: str) -> int:
        self._stream.write(visible(text))
        return len(text)

    def writelines(self, lines: Any) -> None:
        for line in lines:
            self.write(line)

    def __getattr__(self, name: str) -> Any:  # flush, fileno, isatty, encoding, buffer...
        return getattr(self._stream, name)


def raw(stream: Any) -> TextIO:
    """The stream under a VisibleStream, for the one writer whose control characters are its own: the
    progress bar's carriage returns (what it shows of the input goes through `visible` first)."""
    return stream._stream if isinstance(stream, VisibleStream) else stream


@contextlib.contextmanager
def visible_output() -> Iterator[None]:
    """Escape control characters in everything printed to stdout and stderr while the block runs."""
    saved = sys.stdout, sys.stderr
    sys.stdout, sys.stderr = VisibleStream(sys.stdout), VisibleStream(sys.stderr)
    try:
        yield
    finally:
        sys.stdout, sys.stderr = saved
