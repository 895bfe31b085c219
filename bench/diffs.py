"""Small, exact helpers over unified diffs of one file.

The harness needs to cut a diff down to some of its hunks, apply those hunks
to the exact file they were made from, and compare changed lines after
whitespace normalisation.  A diff produced by git from the same blob always
applies exactly, so no fuzz is needed here.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

_HUNK = re.compile(r"^@@ -(\d+)(?:,(\d+))? \+(\d+)(?:,(\d+))? @@(.*)$")


@dataclass
class Hunk:
    old_start: int
    old_count: int
    new_start: int
    new_count: int
    section: str
    lines: list[str] = field(default_factory=list)  # with their ' ', '-', '+', '\\' prefix

    def header(self) -> str:
        return (f"@@ -{self.old_start},{self.old_count} "
                f"+{self.new_start},{self.new_count} @@{self.section}")

    def changed(self) -> list[str]:
        return [ln for ln in self.lines if ln[:1] in "+-"]


@dataclass
class FileDiff:
    head: list[str]    # diff --git, index, ---, +++ lines
    hunks: list[Hunk]


def split_lines(text: str) -> list[str]:
    return text.split("\n")[:-1] if text.endswith("\n") else text.split("\n")


def parse(text: str) -> FileDiff:
    """Parse the diff of one file (``git diff -- path``)."""
    head: list[str] = []
    hunks: list[Hunk] = []
    for line in split_lines(text):
        if m := _HUNK.match(line):
            hunks.append(Hunk(int(m[1]), int(m[2] or 1), int(m[3]), int(m[4] or 1), m[5]))
        elif hunks:
            hunks[-1].lines.append(line)
        else:
            head.append(line)
    return FileDiff(head, hunks)


def apply_hunks(before: str, hunks: list[Hunk]) -> str:
    """Apply ``hunks`` (in order, made from ``before`` itself) exactly."""
    old = before.split("\n")  # a final '' stands for the last newline
    out: list[str] = []
    pos = 0  # 0-based index into old
    for hunk in hunks:
        start = hunk.old_start - 1 if hunk.old_count else hunk.old_start
        out += old[pos:start]
        pos = start
        for line in hunk.lines:
            kind, text = line[:1], line[1:]
            if kind == " ":
                out.append(old[pos])
                pos += 1
            elif kind == "-":
                if old[pos] != text:
                    raise ValueError(f"hunk {hunk.header()} does not match its preimage")
                pos += 1
            elif kind == "+":
                out.append(text)
    out += old[pos:]
    return "\n".join(out)


def render(diff: FileDiff, keep: list[int], new_blob: str | None = None) -> str:
    """The text of ``diff`` keeping only the hunks numbered ``keep`` (0-based).

    New-side line numbers are redone for the hunks left out; ``new_blob``
    replaces the postimage id of the index line.
    """
    lines = []
    for line in diff.head:
        if new_blob and line.startswith("index "):
            line = re.sub(r"\.\.[0-9a-f]+", ".." + new_blob, line, count=1)
        lines.append(line)
    dropped = 0  # net lines added by the hunks left out so far
    for i, hunk in enumerate(diff.hunks):
        if i not in keep:
            dropped += hunk.new_count - hunk.old_count
            continue
        lines.append(Hunk(hunk.old_start, hunk.old_count, hunk.new_start - dropped,
                          hunk.new_count, hunk.section).header())
        lines += hunk.lines
    return "\n".join(lines) + "\n"


def normalise(line: str) -> str:
    """Whitespace runs become one space; ends are stripped."""
    return " ".join(line.split())


def changed_set(hunks: list[Hunk]) -> set[str]:
    """The hunks' added and removed lines, signed and whitespace-normalised.

    Lines that are blank after normalisation carry no evidence and are left out.
    """
    result = {ln[0] + normalise(ln[1:]) for h in hunks for ln in h.changed()}
    return {item for item in result if len(item) > 1}


def jaccard(a: set[str], b: set[str]) -> float:
    return len(a & b) / len(a | b) if a or b else 0.0


def containment(a: set[str], b: set[str]) -> float:
    """Share of ``a`` found in ``b``."""
    return len(a & b) / len(a) if a else 0.0


def normalised_text(text: str) -> list[str]:
    """A file as compared for L1: lines normalised, blank lines dropped."""
    return [n for n in (normalise(ln) for ln in text.split("\n")) if n]
