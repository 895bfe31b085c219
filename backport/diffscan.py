"""Finding the diff in a message and normalising it: file headers (git's and
plain ones, quoted names, binary, mode, rename and copy changes), hunk extents
driven by the ``@@`` counts, context lines that lost their leading space
restored, timestamps and path prefixes taken off.  The ``Scanner`` only finds
and repairs; ``normalised`` renders what it found as a plain unified diff, which
``unidiff`` then parses (``ingest``).  Every problem is a ``PatchError`` naming
the input line.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from .encoding import decode, encode
from .errors import PatchError
from .model import FileKind

_A = re.ASCII

# "@@ -396,6 +396,8 @@ void free_pages_and_swap_cache(struct page **pages, int nr)"
HUNK_HEADER = re.compile(r"@@ -(\d+)(?:,(\d+))? \+(\d+)(?:,(\d+))? @@[ ]?(.*)", _A)
# "--- a/mm/swap_state.c\t2018-08-06 10:00:00.000000000 +0200": the date after the path
_TIMESTAMP = re.compile(r"[ \t](\d{4}-\d\d-\d\d \d\d:\d\d:\d\d(?:\.\d+)?(?: ?[+-]\d{4})?)[ \t]*$", _A)
# "Binary files a/firmware/x.bin and b/firmware/x.bin differ"
_BINARY = re.compile(r"Binary files (.+) and (.+) differ$")


# "new file mode 100644", "similarity index 97%", "rename from mm/a.c", "index 88ae9e0..6326deb 100644"
_EXTENDED = re.compile(
    r"(?:(?:old|new|deleted file|new file) mode [0-7]+"
    r"|(?:dis)?similarity index \d+%"
    r"|(?:rename|copy) (?:from|to) .+|rename (?:old|new) .+"
    r"|index [0-9a-fA-F]+\.\.[0-9a-fA-F]+(?: [0-7]+)?)$", _A)


# "literal 1234", "delta 56", "zcmV-...": the lines of a git binary patch
_BINARY_DATA = re.compile(r"(?:(?:literal|delta) \d+|[A-Za-z][0-9A-Za-z!#$%&()*+\-;<=>?@^_`{|}~]*|)$", _A)
_MAX_DIGITS = 9  # hunk header numbers; also keeps int() away from huge strings


@dataclass
class _HunkRec:
    numbers: tuple[int, int, int, int]
    section: str
    line: int  # input line of the @@ header
    body: list[str] = field(default_factory=list)  # kind + text, or a "\\" marker


@dataclass
class FileRecord:
    line: int
    old: str | None = None
    new: str | None = None
    prefix: str = ""
    new_prefix: str = ""
    kind: FileKind = FileKind.MODIFY
    extended: list[str] = field(default_factory=list)
    hunks: list[_HunkRec] = field(default_factory=list)


class Scanner:
    """Walks the diff part of a message: files, extended headers, hunks."""

    def __init__(self, lines: list[str], first: int, source: str):
        self.lines = lines
        self.first = first
        self.source = source
        self.files: list[FileRecord] = []
        self.damaged = False

    def error(self, message: str, index: int) -> PatchError:
        return PatchError(message, source=self.source, line=self.first + index)

    def scan(self, i: int) -> None:
        lines, after, extra = self.lines, False, None
        while i < len(lines):
            s = lines[i]
            if s.startswith("diff --git ") or self._pair(i) or _is_binary(s):
                self._excess(extra, eof=False)
                i = self._file(i)
                after, extra = bool(self.files[-1].hunks), None
            elif s.startswith("@@") and HUNK_HEADER.match(s):
                if extra is not None:
                    raise self.error("line outside any hunk: the hunk header before it counts fewer lines", extra)
                raise self.error("hunk header outside a file (no ---/+++ lines before it)", i)
            else:
                if after and extra is None and s != "":
                    extra = i
                i += 1
        self._excess(extra, eof=True)

    def _excess(self, extra: int | None, eof: bool) -> None:
        """Hunk-like lines right after a complete hunk: the counts lie.

        At the end of the input, the whole paragraph after the hunk is looked
        at: a context line there must not hide added or removed lines.
        """
        if extra is None:
            return
        marks = "+-" if eof else "+- "
        end = extra + 1
        if eof:
            while end < len(self.lines) and self.lines[end] != "":
                end += 1
        for k in range(extra, end):
            s = self.lines[k]
            if s[:1] and s[:1] in marks and not s.startswith(("--", "++")):
                raise self.error("line outside any hunk: the hunk header before it counts fewer lines", extra)

    def _pair(self, i: int) -> bool:
        return self.lines[i].startswith("--- ") and i + 1 < len(self.lines) and self.lines[i + 1].startswith("+++ ")

    def _file(self, i: int) -> int:
        if self.lines[i].startswith("diff --git "):
            return self._git_file(i)
        if self._pair(i):
            return self._plain_file(i)
        return self._binary_file(i)

    # -- file kinds ---------------------------------------------------------

    def _plain_file(self, i: int) -> int:
        rec = FileRecord(self.first + i)
        rec.prefix, rec.old = self._header_path(self.lines[i][4:], i)
        rec.new_prefix, rec.new = self._header_path(self.lines[i + 1][4:], i + 1)
        if rec.old is None and rec.new is None:
            raise self.error("both sides of the file are /dev/null", i)
        self.files.append(rec)
        j = self._hunks(i + 2, rec)
        if not rec.hunks:
            raise self.error("file header without hunks", i)
        rec.kind = _plain_kind(rec)
        if rec.kind == FileKind.ADD:
            rec.old = None
        elif rec.kind == FileKind.DELETE:
            rec.new = None
        return j

    def _binary_file(self, i: int) -> int:
        m = _BINARY.match(self.lines[i])
        assert m is not None
        rec = FileRecord(self.first + i, kind=FileKind.BINARY)
        rec.prefix, rec.old = self._header_path(m.group(1), i)
        rec.new_prefix, rec.new = self._header_path(m.group(2), i)
        self.files.append(rec)
        return i + 1

    def _git_file(self, i: int) -> int:
        rec = FileRecord(self.first + i)
        self.files.append(rec)
        names = _git_names(self.lines[i][len("diff --git "):])
        if names is None:
            raise self.error("cannot read the file names of this diff --git line", i)
        rec.prefix, rec.old = self._strip(names[0], i)
        rec.new_prefix, rec.new = self._strip(names[1], i)
        j, binary = self._extended(i + 1, rec)
        if not binary and j < len(self.lines) and self._pair(j):
            j = self._git_hunks(j, rec)
        rec.kind = _git_kind(rec, binary)
        if rec.kind == FileKind.MODIFY and not rec.hunks:
            raise self.error("diff --git header without any change", i)
        if _has(rec, "new file mode "):
            rec.old = None
        if _has(rec, "deleted file mode "):
            rec.new = None
        return j

    def _extended(self, j: int, rec: FileRecord) -> tuple[int, bool]:
        """Read git extended header lines; returns (next line, is binary)."""
        lines = self.lines
        while j < len(lines):
            s = lines[j]
            if _EXTENDED.match(s):
                rec.extended.append(s)
                self._rename_line(s, j, rec)
            elif s == "GIT binary patch":
                return self._skip_binary(j + 1), True
            elif _is_binary(s):
                return j + 1, True
            else:
                break
            j += 1
        return j, False

    def _rename_line(self, s: str, j: int, rec: FileRecord) -> None:
        for word, attr in (("from ", "old"), ("to ", "new")):
            for kind in ("rename ", "copy "):
                if s.startswith(kind + word):
                    setattr(rec, attr, self._check(_maybe_unquote(s[len(kind + word):]), j))

    def _git_hunks(self, j: int, rec: FileRecord) -> int:
        prefix, old = self._header_path(self.lines[j][4:], j)
        new_prefix, new = self._header_path(self.lines[j + 1][4:], j + 1)
        if not any(x.startswith(("rename ", "copy ")) for x in rec.extended):
            rec.old, rec.new = old or rec.old, new or rec.new
        if old is not None:
            rec.prefix = prefix
        if new is not None:
            rec.new_prefix = new_prefix
        end = self._hunks(j + 2, rec)
        if not rec.hunks:
            raise self.error("file header without hunks", j)
        return end

    def _skip_binary(self, j: int) -> int:
        while j < len(self.lines) and _BINARY_DATA.match(self.lines[j]):
            j += 1
        return j

    # -- paths --------------------------------------------------------------

    def _header_path(self, text: str, i: int) -> tuple[str, str | None]:
        """(prefix, path) of a ---/+++ line's text; path None for /dev/null."""
        if text.startswith('"'):
            name, _ = _unquote(text)
            if name is None:
                raise self.error("badly quoted path", i)
        elif "\t" in text:
            name = text.split("\t", 1)[0]
        else:
            m = _TIMESTAMP.search(text)
            if m:
                self.damaged = True
                text = text[:m.start()]
            name = text.rstrip(" ")
        if name == "/dev/null":
            return "", None
        return self._strip(name, i)

    def _strip(self, name: str, i: int) -> tuple[str, str]:
        """Strip the first path component (-p1) and check what is left."""
        self._check(name, i)
        prefix, slash, rest = name.partition("/")
        if not slash:
            return "", name
        return prefix, self._check(rest, i)

    def _check(self, path: str, i: int) -> str:
        if path == "":
            raise self.error("empty path", i)
        if "\0" in path:
            raise self.error("path contains a NUL byte", i)
        if path.startswith("/"):
            raise self.error(f"absolute path {path!r} climbs out of the tree", i)
        if ".." in path.split("/"):
            raise self.error(f"path {path!r} climbs out of the tree", i)
        return path

    # -- hunks --------------------------------------------------------------

    def _hunks(self, j: int, rec: FileRecord) -> int:
        """Parse the hunks that follow a ---/+++ pair (blank lines between)."""
        lines = self.lines
        while True:
            k = j
            while k < len(lines) and lines[k] == "":
                k += 1
            if k < len(lines) and lines[k].startswith("@@") and HUNK_HEADER.match(lines[k]):
                j = self._hunk(k, rec)
            else:
                return j

    def _hunk(self, h: int, rec: FileRecord) -> int:
        hunk = self._hunk_header(h)
        rec.hunks.append(hunk)
        old, new = hunk.numbers[1], hunk.numbers[3]
        lines, j = self.lines, h + 1
        while old > 0 or new > 0:
            if j >= len(lines) or _is_boundary(lines[j]):
                raise self.error(f"truncated hunk: {old} old and {new} new lines missing", h)
            s = lines[j]
            if s.startswith("\\ "):
                self._marker(hunk, j)
            else:
                old, new = self._count(s, j, old, new)
                hunk.body.append(s if s[:1] in ("+", "-", " ") else " " + s)
            j += 1
        if j < len(lines) and lines[j].startswith("\\ "):
            self._marker(hunk, j)
            j += 1
        return j

    def _hunk_header(self, h: int) -> _HunkRec:
        m = HUNK_HEADER.match(self.lines[h])
        assert m is not None
        numbers = [m.group(k) or "1" for k in (1, 2, 3, 4)]
        if any(len(x) > _MAX_DIGITS for x in numbers):
            raise self.error("hunk header number too large", h)
        a, b, c, d = (int(x) for x in numbers)
        if b == 0 and d == 0:
            raise self.error("empty hunk", h)
        return _HunkRec((a, b, c, d), m.group(5), self.first + h)

    def _count(self, s: str, j: int, old: int, new: int) -> tuple[int, int]:
        kind = s[:1]
        if kind == "-":
            old -= 1
        elif kind == "+":
            new -= 1
        else:
            if kind != " ":
                self.damaged = True  # context line that lost its leading space
            old, new = old - 1, new - 1
        if old < 0 or new < 0:
            raise self.error("hunk line does not fit the counts of its @@ header", j)
        return old, new

    def _marker(self, hunk: _HunkRec, j: int) -> None:
        if not hunk.body or hunk.body[-1].startswith("\\"):
            raise self.error("misplaced '\\ No newline at end of file' line", j)
        hunk.body.append("\\ No newline at end of file")


def _is_binary(s: str) -> bool:
    return s.startswith("Binary files ") and s.endswith(" differ") and bool(_BINARY.match(s))


def _is_boundary(s: str) -> bool:
    return s.startswith("diff --git ") or (s.startswith("@@") and bool(HUNK_HEADER.match(s)))


def _plain_kind(rec: FileRecord) -> FileKind:
    if rec.old is None or (len(rec.hunks) == 1 and rec.hunks[0].numbers[:2] == (0, 0)):
        return FileKind.ADD
    if rec.new is None or (len(rec.hunks) == 1 and rec.hunks[0].numbers[2:] == (0, 0)):
        return FileKind.DELETE
    return FileKind.MODIFY


def _has(rec: FileRecord, head: str) -> bool:
    return any(x.startswith(head) for x in rec.extended)


def _git_kind(rec: FileRecord, binary: bool) -> FileKind:
    if binary:
        return FileKind.BINARY
    for head, kind in (("new file mode ", FileKind.ADD), ("deleted file mode ", FileKind.DELETE),
                       ("rename from ", FileKind.RENAME), ("copy from ", FileKind.COPY)):
        if _has(rec, head):
            return kind
    if _has(rec, "old mode ") and not rec.hunks:
        return FileKind.MODE
    return FileKind.MODIFY


def _git_names(rest: str) -> tuple[str, str] | None:
    """The two names of a diff --git line (quoted or not, maybe with spaces)."""
    if rest.startswith('"'):
        a, tail = _unquote(rest)
        if a is None or not tail.startswith(" ") or tail == " ":
            return None
        return a, _maybe_unquote(tail[1:])
    if ' "' in rest:
        a, _, b = rest.partition(' "')
        return a, _maybe_unquote('"' + b)
    if len(rest) % 2 == 1:
        mid = len(rest) // 2
        a, b = rest[:mid], rest[mid + 1:]
        if rest[mid] == " " and a.partition("/")[2] == b.partition("/")[2]:
            return a, b
    a, sep, b = rest.partition(" ")
    return (a, b) if sep and a and b else None


_ESCAPES = {"a": 7, "b": 8, "t": 9, "n": 10, "v": 11, "f": 12, "r": 13, '"': 34, "\\": 92}


def _maybe_unquote(text: str) -> str:
    if text.startswith('"'):
        name, _ = _unquote(text)
        if name is not None:
            return name
    return text


def _unquote(text: str) -> tuple[str | None, str]:
    """Git's C-style quoted path: (name, rest after the quote) or (None, text)."""
    out = bytearray()
    i = 1
    while i < len(text):
        c = text[i]
        if c == '"':
            return decode(bytes(out)), text[i + 1:]
        if c != "\\":
            out += encode(c)
            i += 1
            continue
        octal = re.match(r"[0-7]{1,3}", text[i + 1:i + 4])
        if octal and int(octal.group(), 8) < 256:
            out.append(int(octal.group(), 8))
            i += 1 + len(octal.group())
        elif text[i + 1:i + 2] in _ESCAPES:
            out.append(_ESCAPES[text[i + 1]])
            i += 2
        else:
            return None, text
    return None, text


def normalised(files: list[FileRecord]) -> str:
    """A plain unified diff of the files that have hunks (names f0, f1, ...)."""
    out = []
    for n, rec in enumerate(f for f in files if f.hunks):
        out.append(f"--- f{n}\n+++ f{n}\n")
        for h in rec.hunks:
            a, b, c, d = h.numbers
            out.append(f"@@ -{a},{b} +{c},{d} @@ {h.section}\n")
            out.append("\n".join(h.body) + "\n")
    return "".join(out)
