"""One module per CLI command; each exposes `register(subparsers)` and sets `func` on its parser."""

from __future__ import annotations

import argparse


def add_lang(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--lang", choices=["en", "fr"], default=None,
                        help="output language (default: report.language of the disclosure, else en)")
