"""The `reportgen` command: a thin shell over the library. Each subcommand lives in
`reportgen/commands/<name>.py` and registers itself; this file only dispatches and maps errors to exit
codes (0 complete/verified, 1 incomplete/errors/mismatch, 2 unreadable input or bad command line, 3 a bug).

Building the parser reads no standard file (values of the standard are checked when an option is parsed),
and parsing happens inside the error handling: a broken standard is a message, never a traceback."""

from __future__ import annotations

import argparse
import importlib
import os
import sys

from reportgen.errors import ReportgenError
from reportgen.terminal import visible_output
from reportgen.version import __version__

# Each command's name → the module that registers it, in the order `reportgen --help` lists them.
COMMANDS = {
    "check": "check",
    "standard": "standard_cmd",
    "template": "template",
    "migrate": "migrate",
    "render": "render",
    "verify": "verify",
    "keygen": "verify",
    "sign": "verify",
    "import": "interop",
    "export": "interop",
    "schema": "interop",
    "serve": "serve",
    "compare": "compare",
    "scenario": "compare",
    "portfolio": "portfolio",
}


def build_parser(argv: list[str] | None = None) -> argparse.ArgumentParser:
    """The parser; given the command line, with only the module of the command it names (start-up time:
    every command module imports what it needs, and `render` need not load `serve`'s web server)."""
    parser = argparse.ArgumentParser(
        prog="reportgen",
        description="Check, compute and publish AI lifecycle environmental disclosures (AILD editions D1 and D1.1).",
        epilog="-o/--output is the file to write for commands that write one file, the folder for render "
        "and keygen. `reportgen COMMAND --help` describes a command.",
    )
    parser.add_argument("--version", action="version", version=f"reportgen {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    named = next((a for a in argv or [] if not a.startswith("-")), None)
    wanted = [COMMANDS[named]] if named in COMMANDS else list(dict.fromkeys(COMMANDS.values()))
    for name in wanted:
        try:
            module = importlib.import_module(f"reportgen.commands.{name}")
        except ModuleNotFoundError as exc:
            if exc.name == f"reportgen.commands.{name}":
                continue  # a command module not present in this build
            raise
        module.register(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    with visible_output():  # control characters from inputs are shown escaped, never obeyed
        return _main(argv)


def _main(argv: list[str] | None) -> int:
    try:
        parser = build_parser(sys.argv[1:] if argv is None else argv)
        args = parser.parse_args(argv)
        if not getattr(args, "func", None):
            parser.print_help(sys.stderr)
            return 2
        return int(args.func(args) or 0)
    except ReportgenError as exc:
        print(f"reportgen: {exc}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return 0
    except Exception as exc:  # a bug (exit 3): never a traceback for users; REPORTGEN_DEBUG=1 shows it
        if os.environ.get("REPORTGEN_DEBUG"):
            raise
        print(
            f"reportgen: internal error, a bug in reportgen ({type(exc).__name__}: {exc}). Please report it "
            "with the input file; set REPORTGEN_DEBUG=1 to see the details.",
            file=sys.stderr,
        )
        return 3


if __name__ == "__main__":
    sys.exit(main())
