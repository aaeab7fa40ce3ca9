"""One module per CLI command; each exposes `register(subparsers)` and sets `func` on its parser.

The options that several commands share are defined once here, so that each means the same thing and is
checked the same way everywhere (frictionless keeps them in console/common.py for the same reason):

- `INPUT`: the disclosure read (YAML, JSON or a filled workbook).
- `-o/--output`: a FILE for commands that write one file (standard output when absent), a FOLDER for
  commands that write several (`render`, `keygen`).
- `--format`: commands that print a result (`check`, `verify`) print `text` for people or `json` for tools;
  `render` takes the report files to write; `export` the document's format.
- `--lang`: the language of the text printed for people.
- `--phase`, `--level`: values of the standard, checked when the command runs rather than when the parser
  is built, so that `reportgen --help` and `--version` work even when the standard's files are broken.
"""

from __future__ import annotations

import argparse
import difflib
from collections.abc import Callable
from typing import TYPE_CHECKING

from reportgen.errors import ReportgenError
from reportgen.resources import colon  # noqa: F401  (commands import it from here)

if TYPE_CHECKING:
    from reportgen.standard import Standard

INPUT_HELP = "disclosure file (.yaml, .yml, .json, .xlsx)"
LANGS = ("en", "fr")


def add_input(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("input", help=INPUT_HELP)


def add_lang(
    parser: argparse.ArgumentParser,
    help: str = "output language (default: report.language of the disclosure, else en)",
) -> None:
    parser.add_argument("--lang", choices=LANGS, default=None, help=help)


def add_output_file(
    parser: argparse.ArgumentParser,
    metavar: str = "FILE",
    what: str = "file to write",
    default: str | None = "standard output",
) -> None:
    """`-o/--output FILE` of a command that writes one file (`default` says what happens without it)."""
    parser.add_argument(
        "-o",
        "--output",
        metavar=metavar,
        default=None,
        help=what + (f" (default: {default})" if default else "") + "; an input file is never overwritten",
    )


def add_output_folder(
    parser: argparse.ArgumentParser, default: str | None, what: str, aliases: tuple[str, ...] = ()
) -> None:
    """`-o/--output DIR` of a command that writes several files (created when missing)."""
    parser.add_argument(
        "-o",
        "--output",
        *aliases,
        metavar="DIR",
        default=default,
        help=f"folder to write {what} into, created when missing"
        + (f" (default: {default})" if default else ""),
    )


def add_result_format(parser: argparse.ArgumentParser, json_what: str) -> None:
    """`--format text|json` of a command that prints a result."""
    parser.add_argument(
        "--format",
        choices=["text", "json"],
        default="text",
        help=f"text for people (default) or json: {json_what}, for tools",
    )


def output_or_positional(args: argparse.Namespace, positional: str, example: str) -> str:
    """The target of a command that takes it either as `-o` or, as it always did, as a positional argument."""
    given = [v for v in (getattr(args, positional), args.output) if v]
    if not given:
        raise ReportgenError(f"say where to write, for example: {example}")
    if len(given) == 2 and given[0] != given[1]:
        raise ReportgenError(f"two targets given ({given[0]} and -o {given[1]}): give one.")
    return given[0]


class StandardChoice:
    """An argparse `type` for an option whose values are data (the standard's phases, its verification
    levels, an interop table). They are read when the option is parsed, not when the parser is built."""

    def __init__(self, what: str, values: Callable[[Standard], list[str]]) -> None:
        self.what = what
        self.values = values
        self.__name__ = what  # argparse names the type in some messages

    def __call__(self, text: str) -> str:
        from reportgen.standard import load_standard

        allowed = self.values(load_standard())
        if text in allowed:
            return text
        near = difflib.get_close_matches(text, allowed, n=1)
        hint = f" Did you mean {near[0]}?" if near else ""
        raise argparse.ArgumentTypeError(
            f"'{text}' is not {self.what}: choose one of {', '.join(allowed)}.{hint}"
        )


def add_phase(
    parser: argparse.ArgumentParser,
    values: Callable[[Standard], list[str]],
    what: str,
    help: str,
    required: bool = False,
) -> None:
    """`--phase PHASE`, one of `values(standard)`; `what` names the set in the error message."""
    parser.add_argument(
        "--phase",
        metavar="PHASE",
        required=required,
        default=None,
        type=StandardChoice(what, values),
        help=help,
    )


def add_edition(
    parser: argparse.ArgumentParser, help: str = "edition of the standard (default: the latest)"
) -> None:
    parser.add_argument("--edition", default=None, metavar="EDITION", help=help + "; for example D1 or D1.1")


def edition_arg(edition: str | None, option: str = "--edition") -> Standard:
    """The shipped edition `--edition` names (D1.1, or AILD D1.1, case ignored); the latest when None."""
    from reportgen.standard import available_editions, load_standard, resolve_edition

    if edition is None:
        return load_standard()
    found = resolve_edition(edition) or resolve_edition(f"AILD {edition}")
    if found is None:
        raise ReportgenError(
            f"{option} {edition}: no such edition; known editions: {', '.join(available_editions())}."
        )
    return load_standard(found[1], found[0])
