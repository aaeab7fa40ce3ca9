"""One module per CLI command; each exposes `register(subparsers)` and sets `func` on its parser."""

from __future__ import annotations

import argparse


INPUT_HELP = "disclosure file (.yaml, .yml, .json, .xlsx)"


def add_input(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("input", help=INPUT_HELP)


def add_lang(parser: argparse.ArgumentParser,
             help: str = "output language (default: report.language of the disclosure, else en)") -> None:
    parser.add_argument("--lang", choices=["en", "fr"], default=None, help=help)
