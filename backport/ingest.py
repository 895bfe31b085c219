"""Stage 1: read a reference patch and turn it into ``Patch`` objects.

Accepted inputs (see ``parse_patches``):

* a plain unified diff (``diff -up``, ``git diff``), with git extended
  headers, binary files, renames, copies and mode changes;
* a ``git format-patch`` file or an mbox of one or more messages: each message
  with a diff becomes one ``Patch`` (a cover letter without a diff is skipped);
  quoted-printable, base64 and multipart bodies are decoded;
* ``git show`` / ``git log -p`` output of one commit;
* a mail or web copy: prose, pseudo headers, quoted text, diffstat and
  signature around the diff, possibly whitespace-damaged (context lines that
  lost their leading space, blanks collapsed, ``---`` lines with a space
  instead of a tab before the timestamp).

The diff text is read as UTF-8 with ``surrogateescape`` so that any byte
survives; CR line ends are dropped.  The diff part is first normalised here
(hunk extent driven by the ``@@`` counts, lost leading spaces restored,
timestamps and path prefixes stripped, binary and header-only files taken
aside) and the hunks are then parsed by ``unidiff``.  Every problem with the
input is reported as a ``PatchError`` naming the input line.
"""
from __future__ import annotations

import re
import sys
from dataclasses import dataclass, field, replace
from email import message_from_bytes
from email.header import decode_header, make_header
from email.policy import compat32

import unidiff
from unidiff.errors import UnidiffParseError

from .errors import PatchError
from .safetext import one_line
from .model import FilePatch, Hunk, Line, Patch, PatchMeta

STDIN = "-"
STDIN_NAME = "<stdin>"
NO_DIFF = "not a patch: no unified diff found"

_A = re.ASCII
_HUNK = re.compile(r"@@ -(\d+)(?:,(\d+))? \+(\d+)(?:,(\d+))? @@[ ]?(.*)", _A)
_DAYS = "(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun)"
_MONTHS = "(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)"
_MBOX_FROM = re.compile(rf"From \S+ +{_DAYS} {_MONTHS} +\d{{1,2}} \d{{1,2}}:\d\d(?::\d\d)? .*\d{{4}}[ \t]*$", _A)
_FORMAT_PATCH_FROM = re.compile(r"From [0-9a-f]{40} Mon Sep 17 00:00:00 2001$", _A)
_FIELD = re.compile(r"([!-9;-~]+):[ \t]?(.*)", _A)
_PSEUDO = re.compile(r"(From|Date|Subject|Message-I[Dd]|Author|To|Cc)[ \t]*:[ \t]*(.*)", _A | re.I)
_IN_BODY = re.compile(r"(From|Date|Subject)[ \t]*:[ \t]*(.*)", _A)  # git mailinfo's in-body headers
_GITLOG = re.compile(r"commit [0-9a-f]{7,40}(?: |$)", _A)
_TIMESTAMP = re.compile(r"[ \t](\d{4}-\d\d-\d\d \d\d:\d\d:\d\d(?:\.\d+)?(?: ?[+-]\d{4})?)[ \t]*$", _A)
_VERSION = re.compile(r"(?:linux-)?v?(\d+\.\d+(?:\.\d+)?(?:-rc\d+)?)(?:[.-]orig|[.-]old)?", _A)
_BINARY = re.compile(r"Binary files (.+) and (.+) differ$")
_EXTENDED = re.compile(
    r"(?:(?:old|new|deleted file|new file) mode [0-7]+"
    r"|(?:dis)?similarity index \d+%"
    r"|(?:rename|copy) (?:from|to) .+|rename (?:old|new) .+"
    r"|index [0-9a-fA-F]+\.\.[0-9a-fA-F]+(?: [0-7]+)?)$", _A)
_BINARY_DATA = re.compile(r"(?:(?:literal|delta) \d+|[A-Za-z][0-9A-Za-z!#$%&()*+\-;<=>?@^_`{|}~]*|)$", _A)
_PREAMBLE = ("diff ", "Index: ", "====", "index ", "Only in ", "RCS file: ", "retrieving revision")
_UPSTREAM = (
    re.compile(r"^[ \t]*commit ([0-9a-f]{40}) upstream", _A | re.M | re.I),
    re.compile(r"\[[ \t]*upstream commit ([0-9a-f]{40})[ \t]*\]", _A | re.I),
    re.compile(r"\(cherry picked from commit ([0-9a-f]{40})\)", _A | re.I),
)
_BASE_COMMIT = re.compile(r"base-commit: ([0-9a-f]{7,40})[ \t]*$", _A)
_CHARSET = re.compile(r"charset[ \t]*=[ \t]*\"?([A-Za-z0-9_.:-]+)", _A | re.I)
_SUBJECT_REPLY = re.compile(r"[ \t]*(?:re|fwd?|aw)[ \t]*:[ \t]*", _A | re.I)
_SUBJECT_TAG = re.compile(r"[ \t]*\[([^\]]*)\][ \t]*")
_PATCH_TAG = re.compile(r"patch|rfc|resend|pull|^[ \t]*v?\d+(?:/\d+)?[ \t]*$", _A | re.I)
_ANGLE_ADDR = re.compile(r"(.*)<([^<>\s]+@[^<>\s]+)>\s*$", re.S)  # "Jane Dev <jane@example.org>"
_ADDR_SPECIALS = re.compile(r'[()<>@,;:\\".\[\]]')  # RFC 5322 specials: a name holding one is quoted
_MAX_DIGITS = 9  # hunk header numbers; also keeps int() away from huge strings


# ---------------------------------------------------------------------------
# API
# ---------------------------------------------------------------------------


def read_patches(path: str) -> list[Patch]:
    """Read the reference patch at ``path`` ('-' for stdin)."""
    from .inputs import read_input  # regular files (or stdin) only, size-limited
    source = STDIN_NAME if path == STDIN else path
    return parse_patches(read_input(path, "patch", source=source), source)


def parse_patches(data: bytes, source: str) -> list[Patch]:
    """Every patch in ``data``: one per mbox message with a diff, else one."""
    if not data.strip():
        raise PatchError("empty file", source=source)
    lines = _split_lines(data.decode("utf-8", "surrogateescape"))
    patches = []
    for lo, hi in _messages(lines):
        patch = _parse_message(lines, lo, hi, source)
        if patch is not None:
            patches.append(patch)
    if not patches:
        raise PatchError(NO_DIFF, source=source)
    return patches


# ---------------------------------------------------------------------------
# Messages and metadata
# ---------------------------------------------------------------------------


@dataclass
class _Text:
    """Lines of a message body; ``first`` is the input line of lines[0]."""

    lines: list[str]
    first: int
    charset: str | None = None


_DIFF_HEADS = ("@@ ", "diff --git ", "--- ", "+++ ")


def _split_lines(text: str) -> list[str]:
    """Lines without their newline.  CRs are line ends to drop when the diff's
    own header lines carry them (a mail saved with CRLF); otherwise a CR
    belongs to the content (a diff of a CRLF source file) and stays."""
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    heads = [s for s in lines if s.startswith(_DIFF_HEADS)]
    if heads and not all(s.endswith("\r") for s in heads):
        return [s[:-1] if s.endswith("\r") and not s[:1] in " +-" else s for s in lines]
    return [s[:-1] if s.endswith("\r") else s for s in lines]


def _messages(lines: list[str]) -> list[tuple[int, int]]:
    """(start, end) index ranges of the messages of an mbox, or the whole."""
    first = next((i for i, s in enumerate(lines) if s.strip(" \t")), 0)
    if not _MBOX_FROM.match(lines[first]):
        return [(0, len(lines))]
    starts = [first]
    for i in range(first + 1, len(lines)):
        s = lines[i]
        if _FORMAT_PATCH_FROM.match(s) or (lines[i - 1] == "" and _MBOX_FROM.match(s)):
            starts.append(i)
    return list(zip(starts, starts[1:] + [len(lines)]))


def _parse_message(lines: list[str], lo: int, hi: int, source: str) -> Patch | None:
    patch = _parse_one(lines, lo, hi, source)
    sha = lines[lo][5:45] if _FORMAT_PATCH_FROM.match(lines[lo]) else None
    if patch is not None and patch.meta.upstream is None and sha and sha.strip("0"):
        return replace(patch, meta=replace(patch.meta, upstream=sha))  # git format-patch's "From <sha>"
    return patch


def _parse_one(lines: list[str], lo: int, hi: int, source: str) -> Patch | None:
    start = lo + 1 if _MBOX_FROM.match(lines[lo]) else lo
    end = _header_end(lines, start, hi)
    if end is not None:
        fields = _mail(lines[start:end])
        return _build(fields, _mail_body(lines, lo, end, hi, fields), source, pseudo=False)
    if start < hi and _GITLOG.match(lines[start]):
        fields, text = _gitlog(lines, start, hi)
        return _build(fields, text, source, pseudo=False)
    return _build({}, _Text(lines[lo:hi], lo + 1), source, pseudo=True)


def _header_end(lines: list[str], i: int, hi: int) -> int | None:
    """End of an RFC 822 header block starting at ``i``, or None if not a mail."""
    names = set()
    j = i
    while j < hi and lines[j] != "":
        m = _FIELD.match(lines[j])
        if m:
            names.add(m.group(1).lower())
        elif j == i or lines[j][:1] not in (" ", "\t"):
            return None
        j += 1
    return j if names & {"from", "subject", "date", "message-id"} else None


def _fields(lines: list[str]) -> dict[str, str]:
    """Header fields (lower-case names, first one wins), folded lines joined."""
    out: dict[str, list[str]] = {}
    current: list[str] = []
    for s in lines:
        m = _FIELD.match(s)
        if m:
            current = [m.group(2).strip(" \t")]
            out.setdefault(m.group(1).lower(), current)
        else:
            current.append(s.strip(" \t"))
    return {k: " ".join(v) for k, v in out.items()}


def _mail(header: list[str]) -> dict[str, str]:
    raw = _fields(header)
    fields = {k: _decode_words(raw.get(k, "")) for k in ("date", "subject", "message-id")}
    fields["from"] = _decode_author(raw.get("from", ""))
    fields["content-type"] = raw.get("content-type", "")
    fields["content-transfer-encoding"] = raw.get("content-transfer-encoding", "").strip().lower()
    return fields


def _mail_body(lines: list[str], lo: int, end: int, hi: int, fields: dict[str, str]) -> _Text:
    body = end + 1 if end < hi else end
    charset = _charset(fields["content-type"])
    cte = fields["content-transfer-encoding"]
    if "multipart/" in fields["content-type"].lower() or cte in ("quoted-printable", "base64"):
        raw = "\n".join(lines[lo:hi]).encode("utf-8", "surrogateescape")
        decoded = _payload(raw)
        if decoded is not None:
            return _Text(_split_lines(decoded.decode("utf-8", "surrogateescape")), body + 1, charset)
    return _Text(lines[body:hi], body + 1, charset)


def _payload(raw: bytes) -> bytes | None:
    """The decoded text parts of a MIME message (None if email gives up)."""
    try:
        msg = message_from_bytes(raw, policy=compat32)
        parts = [data for part in _readable_parts(msg) if isinstance(data := part.get_payload(decode=True), bytes)]
        return b"\n".join(parts)
    except Exception:  # the stdlib email package fails in open-ended ways on bad MIME
        return None


def _readable_parts(part, depth: int = 0) -> list:
    """The leaf parts that hold the message text or the patch, in order.

    Of a ``multipart/alternative`` only the ``text/plain`` alternative is read
    (its HTML twin would repeat the diff, HTML-escaped); HTML parts are never read.
    """
    if not part.is_multipart():
        ctype = part.get_content_type()
        name = part.get_filename() or ""
        wanted = (ctype.startswith("text/") and ctype != "text/html") or "patch" in ctype or "diff" in ctype
        return [part] if wanted or name.endswith((".patch", ".diff")) else []
    children = part.get_payload() if depth < 20 else []
    if part.get_content_subtype() == "alternative":
        plain = [c for c in children if not c.is_multipart() and c.get_content_type() == "text/plain"]
        children = plain[:1] or [c for c in children if c.is_multipart()][:1]
    return [leaf for child in children for leaf in _readable_parts(child, depth + 1)]


def _charset(content_type: str) -> str | None:
    m = _CHARSET.search(content_type)
    return m.group(1).lower() if m else None


def _decode_author(value: str) -> str:
    """A From: value with its name decoded and quoted: ``"Name" <address>``.

    The address is split off *before* the encoded words are decoded (a raw
    ``<`` cannot occur inside an encoded word), so a name that decodes to
    ``Jane\\r\\nFrom: Mallory <m@evil>`` stays a name and the address stays Jane's.
    """
    m = _ANGLE_ADDR.match(value)
    if not m:
        return one_line(_decode_words(value))
    name = one_line(_decode_words(m.group(1))).strip(' "')
    if not name:
        return m.group(2)
    if _ADDR_SPECIALS.search(name):
        name = '"' + name.replace("\\", "\\\\").replace('"', '\\"') + '"'
    return f"{name} <{m.group(2)}>"


def _decode_words(value: str) -> str:
    """Decode RFC 2047 encoded words ("=?UTF-8?q?...?=")."""
    if "=?" not in value:
        return value
    try:
        return str(make_header(decode_header(value)))
    except Exception:  # malformed encoded words, unknown charsets, ...
        return value


def _gitlog(lines: list[str], start: int, hi: int) -> tuple[dict[str, str], _Text]:
    """``git show`` output: commit line, Author/Date, indented message."""
    i = start + 1
    while i < hi and lines[i] != "":
        i += 1
    fields = _fields(lines[start + 1:i])
    fields["from"] = fields.get("author", "")
    msg = []
    i += 1
    while i < hi and (lines[i] == "" or lines[i].startswith("    ")):
        msg.append(lines[i][4:])
        i += 1
    text = "\n".join(msg).strip("\n")
    subject, _, body = text.partition("\n\n")
    fields["subject"] = " ".join(s.strip() for s in subject.split("\n"))
    fields["body"] = body.strip("\n")
    return fields, _Text(lines[i:hi], i + 1)


def _build(fields: dict[str, str], text: _Text, source: str, pseudo: bool) -> Patch | None:
    start = _diff_start(text.lines)
    if start is None:
        return None
    scanner = _Scanner(text.lines, text.first, source)
    scanner.scan(start)
    files = _to_model(scanner.files, source)
    fields = _prose(fields, text, start, pseudo)
    meta = PatchMeta(  # header values are one line each: a decoded CR/LF cannot start a header of its own
        author=one_line(_clean(fields.get("from", ""), text.charset)),
        date=one_line(_clean(fields.get("date", ""), text.charset)),
        subject=_subject(one_line(_clean(fields.get("subject", ""), text.charset))),
        body=fields["body"],
        upstream=_upstream(fields["body"]),
        message_id=one_line(_clean(fields.get("message-id", ""), None)).strip(" \t<>") or None,
        base_commit=_base_commit(text.lines, start),
    )
    return Patch(meta, tuple(files), source, _base_hint(files), scanner.damaged)


def _prose(fields: dict[str, str], text: _Text, start: int, pseudo: bool) -> dict[str, str]:
    """Fields completed with pseudo / in-body headers and the message body."""
    if "body" in fields:
        return fields
    extra, begin = _pseudo_headers(text.lines, start, pseudo)
    fields = {**fields, **extra}
    end = _body_end(text.lines, begin, start)
    body = "\n".join(text.lines[begin:end]).strip("\n")
    fields["body"] = _clean(body, text.charset)
    return fields


def _pseudo_headers(lines: list[str], stop: int, web: bool) -> tuple[dict[str, str], int]:
    """Header-like lines at the top of a body ("From: x", "Date: y").

    In a web copy (``web``) the first line may be the bare subject, followed
    by pseudo headers; in a mail only git's in-body From/Date/Subject count.
    """
    header = _PSEUDO if web else _IN_BODY
    i = _skip_empty(lines, 0, stop)
    if i < stop and not header.match(lines[i]):
        j = _skip_empty(lines, i + 1, stop)
        if not (web and j < stop and header.match(lines[j])):
            return {}, i
        subject, i = lines[i], j
    else:
        subject = None
    found: dict[str, str] = {"subject": subject} if subject is not None else {}
    while i < stop and (lines[i].strip(" \t") == "" or header.match(lines[i])):
        m = header.match(lines[i])
        if m:
            key = m.group(1).lower()
            found[key] = (_decode_author if key in ("from", "author") else _decode_words)(m.group(2).strip(" \t"))
        i += 1
    found.setdefault("from", found.get("author", ""))
    return {k: v for k, v in found.items() if v}, i


def _skip_empty(lines: list[str], i: int, stop: int) -> int:
    while i < stop and lines[i].strip(" \t") == "":
        i += 1
    return i


def _body_end(lines: list[str], begin: int, start: int) -> int:
    """Where the message body ends: the first '---' line, else the diff."""
    for k in range(begin, start):
        if lines[k].rstrip(" \t") == "---":
            return k
    while start > begin and lines[start - 1].startswith(_PREAMBLE):
        start -= 1
    return start


def _diff_start(lines: list[str]) -> int | None:
    n = len(lines)
    for i, s in enumerate(lines):
        if s.startswith("diff --git "):
            return i
        if s.startswith("--- ") and i + 2 < n and lines[i + 1].startswith("+++ ") and _HUNK.match(lines[i + 2]):
            return i
    return None


def _clean(text: str, charset: str | None) -> str:
    """Prose for display: undo surrogateescape with the declared charset."""
    try:
        raw = text.encode("utf-8", "surrogateescape")
    except UnicodeError:
        return text.encode("utf-8", "replace").decode("utf-8")
    try:
        return raw.decode("utf-8")
    except UnicodeError:
        pass
    try:
        return raw.decode(charset or "utf-8", "replace")
    except Exception:  # unknown or non-text codecs named by the mail
        return raw.decode("utf-8", "replace")


def _subject(subject: str) -> str:
    """Drop "Re:" and "[PATCH ...]" prefixes."""
    while True:
        m = _SUBJECT_REPLY.match(subject)
        if not m:
            m = _SUBJECT_TAG.match(subject)
            if not m or not _PATCH_TAG.search(m.group(1)):
                return subject.strip(" \t")
        subject = subject[m.end():]


def _upstream(body: str) -> str | None:
    for pattern in _UPSTREAM:
        m = pattern.search(body)
        if m:
            return m.group(1)
    return None


def _base_commit(lines: list[str], start: int) -> str | None:
    for s in lines[start:]:
        if s.startswith("base-commit: "):
            m = _BASE_COMMIT.match(s)
            if m:
                return m.group(1)
    return None


def _base_hint(files: list[FilePatch]) -> str | None:
    for f in files:
        if f.old_prefix:
            m = _VERSION.fullmatch(f.old_prefix)
            return m.group(1) if m else None
    return None


# ---------------------------------------------------------------------------
# The diff: structure scan and normalisation
# ---------------------------------------------------------------------------


@dataclass
class _HunkRec:
    numbers: tuple[int, int, int, int]
    section: str
    line: int  # input line of the @@ header
    body: list[str] = field(default_factory=list)  # kind + text, or a "\\" marker


@dataclass
class _FileRec:
    line: int
    old: str | None = None
    new: str | None = None
    prefix: str = ""
    new_prefix: str = ""
    kind: str = "modify"
    extended: list[str] = field(default_factory=list)
    hunks: list[_HunkRec] = field(default_factory=list)


class _Scanner:
    """Walks the diff part of a message: files, extended headers, hunks."""

    def __init__(self, lines: list[str], first: int, source: str):
        self.lines = lines
        self.first = first
        self.source = source
        self.files: list[_FileRec] = []
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
            elif s.startswith("@@") and _HUNK.match(s):
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
        rec = _FileRec(self.first + i)
        rec.prefix, rec.old = self._header_path(self.lines[i][4:], i)
        rec.new_prefix, rec.new = self._header_path(self.lines[i + 1][4:], i + 1)
        if rec.old is None and rec.new is None:
            raise self.error("both sides of the file are /dev/null", i)
        self.files.append(rec)
        j = self._hunks(i + 2, rec)
        if not rec.hunks:
            raise self.error("file header without hunks", i)
        rec.kind = _plain_kind(rec)
        if rec.kind == "add":
            rec.old = None
        elif rec.kind == "delete":
            rec.new = None
        return j

    def _binary_file(self, i: int) -> int:
        m = _BINARY.match(self.lines[i])
        assert m is not None
        rec = _FileRec(self.first + i, kind="binary")
        rec.prefix, rec.old = self._header_path(m.group(1), i)
        rec.new_prefix, rec.new = self._header_path(m.group(2), i)
        self.files.append(rec)
        return i + 1

    def _git_file(self, i: int) -> int:
        rec = _FileRec(self.first + i)
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
        if rec.kind == "modify" and not rec.hunks:
            raise self.error("diff --git header without any change", i)
        if _has(rec, "new file mode "):
            rec.old = None
        if _has(rec, "deleted file mode "):
            rec.new = None
        return j

    def _extended(self, j: int, rec: _FileRec) -> tuple[int, bool]:
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

    def _rename_line(self, s: str, j: int, rec: _FileRec) -> None:
        for word, attr in (("from ", "old"), ("to ", "new")):
            for kind in ("rename ", "copy "):
                if s.startswith(kind + word):
                    setattr(rec, attr, self._check(_maybe_unquote(s[len(kind + word):]), j))

    def _git_hunks(self, j: int, rec: _FileRec) -> int:
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

    def _hunks(self, j: int, rec: _FileRec) -> int:
        """Parse the hunks that follow a ---/+++ pair (blank lines between)."""
        lines = self.lines
        while True:
            k = j
            while k < len(lines) and lines[k] == "":
                k += 1
            if k < len(lines) and lines[k].startswith("@@") and _HUNK.match(lines[k]):
                j = self._hunk(k, rec)
            else:
                return j

    def _hunk(self, h: int, rec: _FileRec) -> int:
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
        m = _HUNK.match(self.lines[h])
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
    return s.startswith("diff --git ") or (s.startswith("@@") and bool(_HUNK.match(s)))


def _plain_kind(rec: _FileRec) -> str:
    if rec.old is None or (len(rec.hunks) == 1 and rec.hunks[0].numbers[:2] == (0, 0)):
        return "add"
    if rec.new is None or (len(rec.hunks) == 1 and rec.hunks[0].numbers[2:] == (0, 0)):
        return "delete"
    return "modify"


def _has(rec: _FileRec, head: str) -> bool:
    return any(x.startswith(head) for x in rec.extended)


def _git_kind(rec: _FileRec, binary: bool) -> str:
    if binary:
        return "binary"
    for head, kind in (("new file mode ", "add"), ("deleted file mode ", "delete"),
                       ("rename from ", "rename"), ("copy from ", "copy")):
        if _has(rec, head):
            return kind
    if _has(rec, "old mode ") and not rec.hunks:
        return "mode"
    return "modify"


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
            return out.decode("utf-8", "surrogateescape"), text[i + 1:]
        if c != "\\":
            out += c.encode("utf-8", "surrogateescape")
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


# ---------------------------------------------------------------------------
# unidiff: parse the normalised hunks, convert into the model
# ---------------------------------------------------------------------------


def _normalised(files: list[_FileRec]) -> str:
    """A plain unified diff of the files that have hunks (names f0, f1, ...)."""
    out = []
    for n, rec in enumerate(f for f in files if f.hunks):
        out.append(f"--- f{n}\n+++ f{n}\n")
        for h in rec.hunks:
            a, b, c, d = h.numbers
            out.append(f"@@ -{a},{b} +{c},{d} @@ {h.section}\n")
            out.append("\n".join(h.body) + "\n")
    return "".join(out)


def _to_model(files: list[_FileRec], source: str) -> list[FilePatch]:
    try:
        parsed = iter(unidiff.PatchSet(_normalised(files)))
    except UnidiffParseError as e:
        raise PatchError(f"unidiff cannot parse the diff: {e}", source=source) from e
    out = []
    for rec in files:
        hunks: tuple[Hunk, ...] = ()
        if rec.hunks:
            patched = next(parsed, None)
            if patched is None or len(patched) != len(rec.hunks):
                raise PatchError("unidiff disagrees about the hunks", source=source, line=rec.line)
            hunks = tuple(_hunk(u, r.line) for u, r in zip(patched, rec.hunks))
            empty = next((h for h in hunks if all(ln.kind == " " for ln in h.lines)), None)
            if empty is not None:
                raise PatchError("hunk with no change (only context lines)", source=source,
                                 line=empty.source_line)
        out.append(FilePatch(rec.old, rec.new, hunks, rec.kind, tuple(rec.extended), rec.prefix, rec.line,
                             rec.new_prefix))
    return out


def strip_paths(patch: Patch, strip: int) -> Patch:
    """The patch read as ``git apply -p<strip>`` reads it (ingest strips one component, as -p1).

    Names from ``rename``/``copy`` lines carry no prefix and stay as they are.
    """
    if strip == 1:
        return patch
    if strip < 0:
        raise PatchError(f"-p{strip}: the count of components to strip cannot be negative", source=patch.source)
    files = []
    for fp in patch.files:
        if fp.kind in ("rename", "copy"):
            files.append(fp)
            continue
        old_prefix, old = _restrip(fp.old_prefix, fp.old_path, strip, patch.source, fp.source_line)
        new_prefix, new = _restrip(fp.new_prefix, fp.new_path, strip, patch.source, fp.source_line)
        files.append(replace(fp, old_path=old, new_path=new, old_prefix=old_prefix, new_prefix=new_prefix))
    hint = patch.base_hint if strip > 1 else None
    return replace(patch, files=tuple(files), base_hint=hint)


def _restrip(prefix: str, path: str | None, strip: int, source: str, line: int) -> tuple[str, str | None]:
    if path is None:
        return prefix, None
    parts = (f"{prefix}/{path}" if prefix else path).split("/")
    if len(parts) <= strip:
        raise PatchError(f"-p{strip}: {'/'.join(parts)!r} has no {strip} leading components to strip",
                         source=source, line=line or None)
    return "/".join(parts[:strip]), "/".join(parts[strip:])


def _hunk(u: unidiff.Hunk, line: int) -> Hunk:
    out: list[Line] = []
    for ul in u:
        value = ul.value[:-1] if ul.value.endswith("\n") else ul.value
        if ul.line_type == "\\":
            if out:
                out[-1] = replace(out[-1], no_newline=True)
        elif ul.line_type in ("+", "-", " "):
            out.append(Line(ul.line_type, value))
    return Hunk(u.source_start, u.source_length, u.target_start, u.target_length,
                u.section_header, tuple(out), line)
