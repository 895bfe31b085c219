"""The regenerate stage: turn placed edits into hunks on the target's own text.

Context comes from the target, line numbers are the target's, and each ``@@``
header carries the function heading git's default rule would show (the last
line before the hunk that starts with a letter, ``_`` or ``$``).
``regenerate_target`` does it for every placed hunk of one target.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from .clex import literal_spans, split_comment
from .encoding import encode
from .hunkwork import HunkWork
from .locate import Edit
from .model import ADDED, CONTEXT, NO_EOL, REMOVED, FilePatch, FindingKind, Hunk, Line, Place, Severity
from .sources import Sources

CONTEXT_LINES = 3


@dataclass(frozen=True)
class Text:
    """A file's lines; a last line without a newline carries ``NO_EOL`` at its end.

    Carrying the missing newline as part of the last line's text lets edits,
    trimming and hunks treat "\\ No newline at end of file" like any other
    difference (git's diff does the same).
    """

    lines: tuple[str, ...]

    @classmethod
    def of(cls, text: str) -> Text:
        lines = text.split("\n")
        if lines and lines[-1] == "":
            return cls(tuple(lines[:-1]))
        return cls(tuple(lines[:-1]) + (lines[-1] + NO_EOL,)) if text else cls(())

    def render(self) -> str:
        body = "".join(x + "\n" for x in self.lines)
        return body[:-1 - len(NO_EOL)] if body.endswith(NO_EOL + "\n") else body


def trim(edit: Edit, lines: tuple[str, ...]) -> Edit:
    """The edit without the leading and trailing lines it would remove and add back unchanged."""
    start, removed, added = edit.start, list(lines[edit.start - 1:edit.start - 1 + edit.removed]), list(edit.added)
    while removed and added and removed[0] == added[0]:
        removed, added, start = removed[1:], added[1:], start + 1
    while removed and added and removed[-1] == added[-1]:
        removed, added = removed[:-1], added[:-1]
    return Edit(start, len(removed), tuple(added))


def apply_edits(text: Text, edits: list[Edit]) -> Text:
    out: list[str] = []
    line = 1
    for edit in sorted(edits, key=lambda e: (e.start, e.removed)):
        out.extend(text.lines[line - 1:edit.start - 1])
        out.extend(edit.added)
        line = edit.start + edit.removed
    out.extend(text.lines[line - 1:])
    return Text(tuple(out))


def overlapping(edits: list[Edit]) -> bool:
    ordered = sorted(edits, key=lambda e: (e.start, e.removed))
    return any(b.start < a.start + a.removed or (b.start == a.start and a.removed == b.removed == 0)
               for a, b in zip(ordered, ordered[1:]))


def make_hunks(text: Text, tagged: list[tuple[int, Edit]], context: int = CONTEXT_LINES) -> list[tuple[Hunk, frozenset[int]]]:
    """Unified-diff hunks for edits tagged with the reference hunk they serve."""
    groups: list[list[tuple[int, Edit]]] = []
    for tag, edit in sorted(tagged, key=lambda te: (te[1].start, te[1].removed)):
        if groups and edit.start - _end(groups[-1][-1][1]) <= 2 * context:
            groups[-1].append((tag, edit))
        else:
            groups.append([(tag, edit)])
    out, delta = [], 0
    for group in groups:
        hunk = _hunk(text, [e for _, e in group], context, delta)
        delta += hunk.new_count - hunk.old_count
        out.append((hunk, frozenset(t for t, _ in group)))
    return out


def _end(edit: Edit) -> int:
    """First target line after the edit."""
    return edit.start + edit.removed


def _hunk(text: Text, edits: list[Edit], context: int, delta: int) -> Hunk:
    first = max(1, edits[0].start - context)
    last = min(len(text.lines), _end(edits[-1]) - 1 + context)
    lines: list[Line] = []
    line = first
    for edit in edits:
        lines += [Line(CONTEXT, t) for t in text.lines[line - 1:edit.start - 1]]
        lines += [Line(REMOVED, t) for t in text.lines[edit.start - 1:_end(edit) - 1]]
        lines += [Line(ADDED, t) for t in edit.added]
        line = _end(edit)
    lines += [Line(CONTEXT, t) for t in text.lines[line - 1:last]]
    lines = [Line(ln.kind, ln.text[:-len(NO_EOL)], True) if ln.text.endswith(NO_EOL) else ln for ln in lines]
    old = sum(ln.kind != ADDED for ln in lines)
    new = sum(ln.kind != REMOVED for ln in lines)
    old_start = first if old else first - 1
    new_start = first + delta if new else first + delta - 1
    return Hunk(old_start, old, new_start, new, funcname(text.lines, first), tuple(lines))


def funcname(lines: tuple[str, ...], first: int) -> str:
    """git's default hunk heading: the last line above ``first`` starting with [A-Za-z_$]."""
    for k in range(first - 2, -1, -1):
        text = lines[k]
        if text and (text[0].isalpha() or text[0] in "_$"):
            return encode(text)[:80].decode("utf-8", "ignore").rstrip()
    return ""


def rewrite(line: str, code: dict[str, str], comments: dict[str, str] | None = None) -> tuple[str, list[str]]:
    """Apply identifier renames to one added line: ``code`` renames outside
    comments (never inside strings), ``comments`` renames inside them."""
    comments = code if comments is None else comments
    head, tail = split_comment(line)
    new_head, used = _swap(head, code, keep_strings=True)
    new_tail, used2 = _swap(tail, comments, keep_strings=False)
    return new_head + new_tail, used + used2


_PLAIN_WORD = re.compile(r"[a-z]+")


def _code_in_prose(text: str, m: re.Match) -> bool:
    """A name in a comment that reads as code: not a plain lower-case word, or written as code
    (``name()``, ``->name``, ``&name``, ``@name``)."""
    if not _PLAIN_WORD.fullmatch(m.group(1)):
        return True
    return bool(re.match(r"\s*\(", text[m.end():]) or re.search(r"(?:->|[.&*@])$", text[:m.start()]))


def _swap(text: str, renames: dict[str, str], keep_strings: bool) -> tuple[str, list[str]]:
    used: list[str] = []
    if not renames or not text:
        return text, used
    pattern = re.compile(r"\b(" + "|".join(re.escape(k) for k in sorted(renames, key=len, reverse=True)) + r")\b")

    def swap(m: re.Match) -> str:
        used.append(m.group(1))
        return renames[m.group(1)]

    if not keep_strings:  # a comment: prose words stay ("a controller left mastering the bus")
        return pattern.sub(lambda m: swap(m) if _code_in_prose(text, m) else m.group(0), text), used
    pieces, pos = [], 0
    for start, end in literal_spans(text):
        pieces.append(pattern.sub(swap, text[pos:start]))
        pieces.append(text[start:end])
        pos = end
    pieces.append(pattern.sub(swap, text[pos:]))
    return "".join(pieces), used


# ---------------------------------------------------------------------------
# the hunks of one target


@dataclass(frozen=True)
class Written:
    """What was written for one target: a file patch per target file, each file before and after."""

    files: tuple[FilePatch, ...]
    before: dict[str, str]
    after: dict[str, str]


def regenerate_target(work: list[HunkWork], tsrc: Sources) -> Written:
    """The placed hunks of one target turned into hunks on its files; each hunk learns its written
    form and where it lands, hunks whose places overlap are refused."""
    by_path: dict[str, list[HunkWork]] = {}
    for w in work:
        if w.in_play:
            by_path.setdefault(w.located[0].target_path, []).append(w)
    out, before, after = [], {}, {}
    for path, ws in by_path.items():
        text = Text.of(tsrc.text(path) or "")  # (the file the hunks were placed in)
        tagged = [(id(w), e) for w in ws for e in (_final_edit(w, x, text) for x in w.located[1].edits)
                  if e.removed or e.added]
        if overlapping([e for _, e in tagged]):
            for w in ws:
                w.add(FindingKind.OVERLAP, Severity.BLOCK, "its place in the target overlaps another hunk's")
            continue
        hunks = make_hunks(text, tagged)
        _written(ws, hunks, path)
        out.append(FilePatch(path, path, tuple(h for h, _ in hunks)))
        before[path] = text.render()
        after[path] = apply_edits(text, [e for _, e in tagged]).render()
    return Written(tuple(out), before, after)


def _final_edit(w: HunkWork, edit: Edit, text: Text) -> Edit:
    return trim(Edit(edit.start, edit.removed, w.added.get((edit.start, edit.removed), edit.added)), text.lines)


def _written(ws: list[HunkWork], hunks: list[tuple[Hunk, frozenset[int]]], path: str) -> None:
    """Each hunk's written form and where it lands (the verdict comes later, from ``judge``)."""
    written = {tag: h for h, tags in hunks for tag in tags}
    for w in ws:
        hunk = written[id(w)]
        w.out = hunk
        w.target_place = Place(path, w.located[0].function, hunk.old_start, hunk.old_start + max(hunk.old_count - 1, 0))
