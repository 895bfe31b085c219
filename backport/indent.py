"""Kernel-style indentation for lines whose whitespace was lost.

Used by the base stage to give added lines of a whitespace-damaged patch their
indentation back, from the lines around them (Documentation/process/
coding-style.rst): tabs for each block level, `` * `` under a block comment's
``/*``, continuation lines aligned under the open parenthesis.
"""
from __future__ import annotations

import re

from .clex import code_of, mask_literals, split_line, strip_strings

# a line that opens a block or a one-statement body:  "if (x)", "} else", "for (i = 0; i < n; i++)";
# not "if (x) y();"
_CONTROL = re.compile(r"^(?:\}\s*)?(?:if|else if|for|while|else)\b(?!.*[;{]\s*(?:/\*.*)?$)")


def norm(line: str) -> str:
    """A line with every run of blanks collapsed and the ends stripped."""
    return " ".join(line.split())


def leading(line: str) -> str:
    return line[: len(line) - len(line.lstrip())]


def columns(text: str) -> int:
    """Width of ``text`` on screen with 8-column tabs."""
    col = 0
    for ch in text:
        col = (col // 8 + 1) * 8 if ch == "\t" else col + 1
    return col


def tabs_to(col: int) -> str:
    return "\t" * (col // 8) + " " * (col % 8)


def open_paren_column(line: str) -> int | None:
    """Screen column just after the innermost '(' left open on ``line`` (parentheses in
    literals and comments do not count)."""
    stack = []
    for i, ch in enumerate(mask_literals(split_line(line)[0])):
        if ch == "(":
            stack.append(i)
        elif ch == ")" and stack:
            stack.pop()
    return columns(line[: stack[-1] + 1]) if stack else None


class Indenter:
    """Walks a hunk's lines in order and indents the added ones."""

    def __init__(self) -> None:
        self.prev: list[str] = []  # new-side lines so far
        self.comment: str | None = None  # indentation of an open block comment's "/*"
        self.removed_first: str | None = None  # first removed line of the current change block
        self.in_block = False

    def see(self, line: str, removed: bool = False) -> None:
        """Record a line of the hunk (context, removed, or an added line once placed)."""
        if removed:
            if self.removed_first is None:
                self.removed_first = line
            return
        self.removed_first = None
        self._track_comment(line)
        self.prev.append(line)

    def place(self, text: str) -> str:
        """The added line ``text`` with kernel indentation restored."""
        body = text.strip()
        if not body or body.startswith("#"):
            return body
        if self.comment is not None and body.startswith("*"):
            return self.comment + " " + body
        prev = self.prev[-1] if self.prev else ""
        column = open_paren_column(prev) if prev.strip() else None
        if column is not None:
            self.removed_first = None
            return tabs_to(column) + body
        indent = self._reference()
        self.removed_first = None
        if body.startswith("}"):
            indent = indent[:-1] if indent.endswith("\t") else indent
        return indent + body

    def _reference(self) -> str:
        """Indentation the added line inherits."""
        if self.removed_first is not None:
            return leading(self.removed_first)
        lines = [ln for ln in self.prev if ln.strip()]
        if not lines:
            return "\t"
        prev = lines[-1]
        base = self._statement_indent(prev)
        stripped = code_of(prev).strip()
        if stripped.endswith("{") or _CONTROL.match(stripped):
            return base + "\t"
        if len(lines) > 1 and stripped.endswith(";") and _CONTROL.match(code_of(lines[-2]).strip()):
            return self._statement_indent(lines[-2])
        return base

    def _statement_indent(self, line: str) -> str:
        """Indentation of the statement ``line`` belongs to (comment lines: their "/*")."""
        lead = leading(line)
        if line.strip().startswith("*") and lead.endswith(" "):
            return lead[:-1]
        return lead

    def _track_comment(self, line: str) -> None:
        code = strip_strings(line)
        if self.comment is None:
            start = code.rfind("/*")
            if start >= 0 and "*/" not in code[start:]:
                self.comment = leading(line)
        elif "*/" in code:
            self.comment = None
