"""The data that flows between the pipeline stages: frozen dataclasses only.

Line numbers are 1-based, as in a unified diff.  File text is handled as
``str`` decoded from bytes with ``surrogateescape`` so that Latin-1 bytes in
kernel sources survive a round trip unchanged (see ``encoding.decode``).
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from enum import Enum, StrEnum

from .encoding import encode


class Verdict(str, Enum):
    """Per-hunk verdicts, from best to worst (decided by ``judge``; see docs/design.md)."""

    EXACT = "exact"
    OFFSET = "offset"
    WHITESPACE = "whitespace"
    DRIFTED = "drifted"
    RENAMED = "renamed"
    RELOCATED = "relocated"
    ALREADY_APPLIED = "already-applied"
    CONFLICT = "conflict"
    MISSING = "missing"

    @property
    def clean(self) -> bool:
        """True when the tool claims the regenerated hunk is right."""
        return self in CLEAN_VERDICTS

    @property
    def needs_human(self) -> bool:
        return self is Verdict.CONFLICT or self is Verdict.MISSING

    @property
    def rank(self) -> int:
        return list(Verdict).index(self)


CLEAN_VERDICTS = frozenset({Verdict.EXACT, Verdict.OFFSET, Verdict.WHITESPACE,
                            Verdict.DRIFTED, Verdict.RENAMED, Verdict.RELOCATED})


def worst(verdicts) -> Verdict:
    """The worst verdict of an iterable (EXACT for an empty one)."""
    return max(verdicts, key=lambda v: v.rank, default=Verdict.EXACT)


# --------------------------------------------------------------------------
# The reference patch (ingest, base)
# --------------------------------------------------------------------------

CONTEXT, REMOVED, ADDED = " ", "-", "+"
NO_EOL = "\x00\x01"  # ends the text of a last line that has no newline, where lines are compared


@dataclass(frozen=True)
class Line:
    """One hunk line: ``kind`` is ' ', '-' or '+'; ``text`` has no newline."""

    kind: str
    text: str
    no_newline: bool = False  # followed by "\\ No newline at end of file"


@dataclass(frozen=True)
class Hunk:
    old_start: int
    old_count: int
    new_start: int
    new_count: int
    section: str  # the text after the second @@ (function heading)
    lines: tuple[Line, ...]
    source_line: int = 0  # line of the @@ header in the input file

    @property
    def old_lines(self) -> list[str]:
        return [ln.text for ln in self.lines if ln.kind != ADDED]

    @property
    def new_lines(self) -> list[str]:
        return [ln.text for ln in self.lines if ln.kind != REMOVED]

    @property
    def header(self) -> str:
        head = f"@@ -{_range(self.old_start, self.old_count)} +{_range(self.new_start, self.new_count)} @@"
        return f"{head} {self.section}" if self.section else head

    def text(self) -> str:
        """The hunk as unified-diff text, newline-terminated."""
        out = [self.header + "\n"]
        for ln in self.lines:
            out.append(ln.kind + ln.text + "\n")
            if ln.no_newline:
                out.append("\\ No newline at end of file\n")
        return "".join(out)


def _range(start: int, count: int) -> str:
    return str(start) if count == 1 else f"{start},{count}"


class FileKind(StrEnum):
    """What a file patch does to its file (equal to its name as a string: JSON and reports unchanged)."""

    MODIFY = "modify"
    ADD = "add"
    DELETE = "delete"
    RENAME = "rename"
    COPY = "copy"
    MODE = "mode"  # a mode change only
    BINARY = "binary"


# file patches that change a file's text (the others are reported, not ported)
TEXT_CHANGES = (FileKind.MODIFY, FileKind.ADD, FileKind.DELETE)


@dataclass(frozen=True)
class FilePatch:
    """The changes to one file.

    ``kind`` is a ``FileKind``.
    ``old_path``/``new_path`` are repository-relative (prefix stripped) or
    None for /dev/null.
    """

    old_path: str | None
    new_path: str | None
    hunks: tuple[Hunk, ...]
    kind: FileKind = FileKind.MODIFY
    extended: tuple[str, ...] = ()  # git extended header lines (mode, similarity, ...)
    old_prefix: str = ""  # first path component of the --- line, e.g. "4.9.117" or "a"
    source_line: int = 0
    new_prefix: str = ""  # the same of the +++ line, e.g. "b"

    @property
    def path(self) -> str:
        return self.old_path or self.new_path or ""

    @property
    def is_c(self) -> bool:
        return self.path.endswith((".c", ".h"))

    def text(self) -> str:
        """This file's part of a git-style diff (a/ b/ prefixes), names quoted as git quotes them."""
        a, b = f"a/{self.old_path or self.new_path}", f"b/{self.new_path or self.old_path}"
        head = [f"diff --git {quote_path(a)} {quote_path(b)}\n"]
        head += [x + "\n" for x in self.extended]
        if self.hunks:
            head += [f"--- {_label(self.old_path and a)}\n", f"+++ {_label(self.new_path and b)}\n"]
        return "".join(head) + "".join(h.text() for h in self.hunks)


def _label(name: str | None) -> str:
    """A ---/+++ name: /dev/null, or quoted, with git's tab after a name holding a space."""
    if not name:
        return "/dev/null"
    return quote_path(name) + ("\t" if " " in name else "")


_QUOTED = re.compile(r'[\x00-\x1f\x7f"\\]')  # e.g. 'a\tb.c', 'say "hi".c', 'back\\slash.c'
_LETTERS = {7: "a", 8: "b", 9: "t", 10: "n", 11: "v", 12: "f", 13: "r", 34: '"', 92: "\\"}


def quote_path(name: str) -> str:
    """``name`` as git writes it in a diff (quote.c, quote_c_style, core.quotePath on): in double
    quotes, with ``"``, ``\\`` and the control bytes escaped and bytes from 0x80 as octal, when
    it holds any of them; else as it is.  ``name`` is text decoded with surrogateescape."""
    if name.isascii() and not _QUOTED.search(name):  # (the usual name: no byte to look at one by one)
        return name
    data = encode(name)
    out = []
    for c in data:
        if c in _LETTERS:
            out.append("\\" + _LETTERS[c])
        elif c < 0x20 or c >= 0x7f:
            out.append(f"\\{c:03o}")
        else:
            out.append(chr(c))
    return '"' + "".join(out) + '"'


def diff_text(files) -> str:
    """A whole git-style diff for some FilePatches."""
    return "".join(f.text() for f in files)


@dataclass(frozen=True)
class PatchMeta:
    author: str = ""  # "Name <mail>" as in From:
    date: str = ""  # as given, RFC 2822 when it came from a mail
    subject: str = ""  # without [PATCH ...] prefixes and Re:
    body: str = ""  # commit message body including trailers
    upstream: str | None = None  # upstream commit id when the body names one
    message_id: str | None = None
    base_commit: str | None = None  # from a base-commit: trailer
    prerequisites: tuple[str, ...] = ()  # prerequisite-patch-id: lines (cover letter or first message)


@dataclass(frozen=True)
class Patch:
    """One reference patch (one message of an mbox)."""

    meta: PatchMeta
    files: tuple[FilePatch, ...]
    source: str = ""  # file name or "<stdin>"
    base_hint: str | None = None  # version named by the diff path prefix, e.g. "4.9.117"
    damaged: bool = False  # whitespace damage detected at ingest

    @property
    def hunk_count(self) -> int:
        return sum(len(f.hunks) for f in self.files)


# --------------------------------------------------------------------------
# Results (verify, report, series)
# --------------------------------------------------------------------------


@dataclass(frozen=True)
class Place:
    """Where a hunk sits: file, enclosing function or top-level item, lines."""

    path: str
    function: str | None
    start: int
    end: int

    def __str__(self) -> str:
        where = f"{self.path}:{self.start}-{self.end}" if self.end > self.start else f"{self.path}:{self.start}"
        return f"{where} ({self.function}())" if self.function else where


@dataclass(frozen=True)
class Rename:
    """An identifier the target spells differently, with the evidence for it."""

    old: str
    new: str
    evidence: tuple[str, ...]  # "base:line `stmt` <-> target:line `stmt`"


@dataclass(frozen=True)
class Repair:
    """What the base stage repaired in one hunk of the reference patch."""

    path: str
    hunk: int  # 1-based index within the file
    restored: int  # context/removed lines given back their exact base bytes
    reindented: int  # added lines given kernel-style indentation
    moved_by: int  # base line - header line (0 when the header was right)


@dataclass(frozen=True)
class Check:
    """One verification step and its outcome."""

    name: str  # "git apply --check", "re-parse", "symbols", ...
    ok: bool
    detail: str = ""


class Severity(str, Enum):
    """How much a finding weighs on a hunk's verdict (see ``judge``)."""

    INFO = "info"  # worth reading; the verdict may stay clean
    REVIEW = "review"  # the port may not build or may mean something else in the target
    BLOCK = "block"  # the change cannot be placed safely


class FindingKind(str, Enum):
    """What a check found; one member per check."""

    ABSENT = "absent"  # the code the hunk changes is not in the target
    FILE_CHANGE = "file-change"  # a whole-file change (add, delete, mode, binary, rename)
    PLACEMENT = "placement"  # no safe place for a block
    ANCHOR = "anchor"  # an anchor statement changed and no rename explains it
    CHANGED_API = "changed-api"  # an added call to a function replaced with other arguments
    OVERLAP = "overlap"  # its place overlaps another hunk's
    DRIFT = "drift"  # how the context drifted (information)
    KEPT_NAME = "kept-name"  # a call or member the target writes another way nearby, kept: the target has it too
    HEADER = "header"  # an included header the target lacks
    LACKING = "lacking"  # a name the base defines and the target has nowhere
    UNDEFINED = "undefined"  # a name defined nowhere: not in the target, not by the patch
    NEW_NAME = "new-name"  # a name new in the fix that the patch defines
    PREREQUISITE = "prerequisite"  # a name neither tree nor the patch defines: the input lacks a part
    CLAIM = "claim"  # a comment names a call the target's function no longer makes
    DROPPED_USE = "dropped-use"  # a name the base's function uses and the target's no longer does
    ARITY = "arity"  # a call with the wrong number of arguments for the target's prototype
    MEMBER = "member"  # x->m where the target's struct has no member m
    DIALECT = "dialect"  # C the target's dialect does not accept (gnu89)
    UNDECLARED = "undeclared"  # an identifier the touched function uses that nothing declares
    CLEANUP = "cleanup"  # an added early return that skips the function's cleanup label
    RELEASE = "release"  # an added put/free/unlock of what the target's function gets another way
    DEPTH = "depth"  # lands at another block depth than in the base
    PARTIAL = "partial"  # an added statement the target already has nearby
    CHECK = "check"  # a verification of the written patch failed
    PARSE = "parse"  # tree-sitter gave up on the function: it was found by its text (information)


@dataclass(frozen=True)
class Finding:
    """One thing a check learned about a hunk, with the evidence for it."""

    kind: FindingKind
    severity: Severity
    message: str
    evidence: tuple[str, ...] = ()


@dataclass(frozen=True)
class HunkResult:
    path: str  # base path of the file
    index: int  # 1-based hunk index within the file in the reference patch
    verdict: Verdict
    reason: str
    base: Place | None
    target: Place | None
    reference: str  # the reference hunk text (after repair)
    regenerated: str | None  # the hunk as written for the target, None if not placed
    target_text: str | None = None  # target lines shown beside a conflict / drifted removal
    renames: tuple[Rename, ...] = ()
    warnings: tuple[str, ...] = ()


@dataclass(frozen=True)
class FixesCheck:
    """A ``Fixes: <sha> ("subject")`` trailer, seen from one target."""

    commit: str  # as the trailer names it
    subject: str
    resolved: str | None  # the full id in the repository, None when it does not hold it
    in_target: bool | None  # the target contains it; None when not known (no repo, directory target)
    in_series: int | None = None  # the 1-based number of the patch of this series that is that commit


@dataclass(frozen=True)
class StableHint:
    """A ``Cc: stable@vger.kernel.org # 5.10.x`` line, seen from one target."""

    text: str  # what follows the '#'
    version: str | None  # oldest series that needs the fix, "5.10"
    prerequisite: str | None  # a commit to pick first (``# 3.3.x: a1f84a3: subject``)
    subject: str
    target_version: str | None  # the target's series, "4.19", when its name tells
    needed: bool | None  # the target is at or after ``version``; None when not known
    in_target: bool | None  # the prerequisite is in the target; None when not known


@dataclass(frozen=True)
class TargetResult:
    target: str  # as given on the command line
    commit: str | None  # resolved commit id for a git target
    hunks: tuple[HunkResult, ...]
    diff: str  # the regenerated patch (diff part only), "" when nothing placed
    checks: tuple[Check, ...] = ()
    history: tuple[str, ...] = ()  # commits that touched the functions between base and target
    fixes: tuple[FixesCheck, ...] = ()  # Fixes: trailers, checked against this target
    stable: tuple[StableHint, ...] = ()  # Cc: stable version hints and prerequisites
    # ``diff`` as the file patches it was rendered from (not in the JSON; empty when read back)
    files: tuple[FilePatch, ...] = field(default=(), compare=False, repr=False)

    @property
    def verdict(self) -> Verdict:
        return worst(h.verdict for h in self.hunks)

    @property
    def complete(self) -> bool:
        """Every hunk placed and every check passed."""
        return all(not h.verdict.needs_human for h in self.hunks) and all(c.ok for c in self.checks)


@dataclass(frozen=True)
class PortResult:
    """Everything one run learned about one reference patch."""

    patch: Patch
    base: str | None  # as given or derived
    base_commit: str | None
    repairs: tuple[Repair, ...]
    repaired: Patch  # the reference patch after base checks and repair
    targets: tuple[TargetResult, ...] = field(default_factory=tuple)

    @property
    def complete(self) -> bool:
        return all(t.complete for t in self.targets)
