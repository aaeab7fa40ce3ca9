"""The version of reportgen, read once from the installed package's metadata: pyproject.toml is its only
source, so a release changes one line. Kept free of heavy imports: `reportgen --version` must work even
when the standard's files are broken."""

from __future__ import annotations

import tomllib
from importlib import metadata
from pathlib import Path


def _read() -> str:
    try:
        return metadata.version("reportgen")
    except metadata.PackageNotFoundError:
        # A source tree put on sys.path without installing it: the same single source, read directly.
        with (Path(__file__).resolve().parent.parent / "pyproject.toml").open("rb") as fh:
            return str(tomllib.load(fh)["project"]["version"])


__version__ = _read()
