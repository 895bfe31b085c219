"""The tool's own typed errors.  Every user mistake becomes one of these, and
the CLI prints it as one line (``backport: FILE:LINE: message``) with a
non-zero exit status instead of a traceback."""
from __future__ import annotations

from .safetext import line


class BackportError(Exception):
    """Base class: a problem with the user's input or environment."""

    exit_code = 2

    def __init__(self, message: str, *, source: str | None = None, line: int | None = None):
        super().__init__(message)
        self.message = message
        self.source = source
        self.line = line

    def __str__(self) -> str:
        where = ""
        if self.source:
            where = f"{self.source}:{self.line}: " if self.line else f"{self.source}: "
        return line(where + self.message)  # names and paths from the input: shown, never acted on


class PatchError(BackportError):
    """The reference patch cannot be read as a patch."""


class TreeError(BackportError):
    """A ref, directory or path that cannot be read."""


class BaseMismatch(BackportError):
    """The reference patch does not fit the base it claims."""


class OutputError(BackportError):
    """The output directory cannot be written as asked."""


class ReaderLeft(OutputError):
    """Standard output was closed before the JSON report on it was written (``| head``): the run
    keeps its all-or-nothing promise, so nothing is put in place; exit 128 + SIGPIPE, as git does."""

    exit_code = 141
