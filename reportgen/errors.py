"""Exceptions that end a command. Everything else a user can get wrong becomes a Finding."""


class ReportgenError(Exception):
    """Base class: carries a message meant for the user, and the exit code the CLI returns."""

    exit_code = 2


class StandardError(ReportgenError):
    """An encoded standard file is missing or broken."""


class InputError(ReportgenError):
    """No disclosure tree can be read at all (missing file, bad syntax, not a mapping, too big...)."""


class OutputError(ReportgenError):
    """An output could not be written (or would overwrite an input)."""
