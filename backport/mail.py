"""Reading mail: the messages of an mbox, their headers and MIME parts, and
the prose around a diff (pseudo headers of a web copy, git's in-body headers,
``git show`` output), as the metadata of a reference patch.

Header values are decoded (RFC 2047) and folded to one line: a decoded CR or
LF can never start a header of its own.  Of a ``multipart/alternative`` only
the ``text/plain`` part is read.  Everything is text decoded from UTF-8 with
``surrogateescape``, so any byte survives; ``clean_prose`` undoes that with the
mail's declared charset for display.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from email import message_from_bytes
from email.header import decode_header, make_header
from email.policy import compat32

from .encoding import decode, encode
from .safetext import one_line

_A = re.ASCII

_DAYS = "(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun)"
_MONTHS = "(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)"
# "From jane@example.org Mon Aug  6 10:00:00 2018": an mbox separator
MBOX_FROM = re.compile(rf"From \S+ +{_DAYS} {_MONTHS} +\d{{1,2}} \d{{1,2}}:\d\d(?::\d\d)? .*\d{{4}}[ \t]*$", _A)
# "From 0123456789abcdef0123456789abcdef01234567 Mon Sep 17 00:00:00 2001": git format-patch's
FORMAT_PATCH_FROM = re.compile(r"From [0-9a-f]{40} Mon Sep 17 00:00:00 2001$", _A)
# "Subject: [PATCH] mm: fix": a header field
_FIELD = re.compile(r"([!-9;-~]+):[ \t]?(.*)", _A)
# "Author: Jane Dev <jane@example.org>": a header as a web copy or `git show` prints it
_PSEUDO = re.compile(r"(From|Date|Subject|Message-I[Dd]|Author|To|Cc)[ \t]*:[ \t]*(.*)", _A | re.I)
_IN_BODY = re.compile(r"(From|Date|Subject)[ \t]*:[ \t]*(.*)", _A)  # git mailinfo's in-body headers
# "commit 1f2e3d4c5b6a7980..." as `git log` / `git show` begin
GITLOG = re.compile(r"commit [0-9a-f]{7,40}(?: |$)", _A)
_PREAMBLE = ("diff ", "Index: ", "====", "index ", "Only in ", "RCS file: ", "retrieving revision")


_UPSTREAM = (
    re.compile(r"^[ \t]*commit ([0-9a-f]{40}) upstream", _A | re.M | re.I),
    re.compile(r"\[[ \t]*upstream commit ([0-9a-f]{40})[ \t]*\]", _A | re.I),
    re.compile(r"\(cherry picked from commit ([0-9a-f]{40})\)", _A | re.I),
)


# "base-commit: 1f2e3d4c5b6a" as git format-patch --base writes it
_BASE_COMMIT = re.compile(r"base-commit: ([0-9a-f]{7,40})[ \t]*$", _A)
# 'Content-Type: text/plain; charset="iso-8859-1"'
_CHARSET = re.compile(r"charset[ \t]*=[ \t]*\"?([A-Za-z0-9_.:-]+)", _A | re.I)
# "Re: ", "Fwd: ", "AW: " before a subject
_SUBJECT_REPLY = re.compile(r"[ \t]*(?:re|fwd?|aw)[ \t]*:[ \t]*", _A | re.I)
# "[PATCH 4.19 012/123] " and "[PATCH v2] " before a subject
_SUBJECT_TAG = re.compile(r"[ \t]*\[([^\]]*)\][ \t]*")
# "PATCH", "RFC", "v2", "3/7": the words of a tag that mark a patch, not part of the subject
_PATCH_TAG = re.compile(r"patch|rfc|resend|pull|^[ \t]*v?\d+(?:/\d+)?[ \t]*$", _A | re.I)
_ANGLE_ADDR = re.compile(r"(.*)<([^<>\s]+@[^<>\s]+)>\s*$", re.S)  # "Jane Dev <jane@example.org>"
_ADDR_SPECIALS = re.compile(r'[()<>@,;:\\".\[\]]')  # RFC 5322 specials: a name holding one is quoted


@dataclass
class MailText:
    """Lines of a message body; ``first`` is the input line of lines[0]."""

    lines: list[str]
    first: int
    charset: str | None = None


_DIFF_HEADS = ("@@ ", "diff --git ", "--- ", "+++ ")


def split_lines(text: str) -> list[str]:
    """Lines without their newline.  CRs are line ends to drop when the diff's
    own header lines carry them (a mail saved with CRLF); otherwise a CR
    belongs to the content (a diff of a CRLF source file) and stays."""
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    heads = [s for s in lines if s.startswith(_DIFF_HEADS)]
    if heads and not all(s.endswith("\r") for s in heads):
        return [s[:-1] if s.endswith("\r") and s[:1] not in " +-" else s for s in lines]
    return [s[:-1] if s.endswith("\r") else s for s in lines]


def messages(lines: list[str]) -> list[tuple[int, int]]:
    """(start, end) index ranges of the messages of an mbox, or the whole."""
    first = next((i for i, s in enumerate(lines) if s.strip(" \t")), 0)
    if not MBOX_FROM.match(lines[first]):
        return [(0, len(lines))]
    starts = [first]
    for i in range(first + 1, len(lines)):
        s = lines[i]
        if FORMAT_PATCH_FROM.match(s) or (lines[i - 1] == "" and MBOX_FROM.match(s)):
            starts.append(i)
    return list(zip(starts, starts[1:] + [len(lines)]))


def header_end(lines: list[str], i: int, hi: int) -> int | None:
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


def mail_fields(header: list[str]) -> dict[str, str]:
    raw = _fields(header)
    fields = {k: _decode_words(raw.get(k, "")) for k in ("date", "subject", "message-id")}
    fields["from"] = _decode_author(raw.get("from", ""))
    fields["content-type"] = raw.get("content-type", "")
    fields["content-transfer-encoding"] = raw.get("content-transfer-encoding", "").strip().lower()
    return fields


def mail_body(lines: list[str], lo: int, end: int, hi: int, fields: dict[str, str]) -> MailText:
    body = end + 1 if end < hi else end
    charset = _charset(fields["content-type"])
    cte = fields["content-transfer-encoding"]
    if "multipart/" in fields["content-type"].lower() or cte in ("quoted-printable", "base64"):
        raw = encode("\n".join(lines[lo:hi]))
        decoded = _payload(raw)
        if decoded is not None:
            return MailText(split_lines(decode(decoded)), body + 1, charset)
    return MailText(lines[body:hi], body + 1, charset)


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


def gitlog(lines: list[str], start: int, hi: int) -> tuple[dict[str, str], MailText]:
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
    return fields, MailText(lines[i:hi], i + 1)


def pseudo_headers(lines: list[str], stop: int, web: bool) -> tuple[dict[str, str], int]:
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


def body_end(lines: list[str], begin: int, start: int) -> int:
    """Where the message body ends: the first '---' line, else the diff."""
    for k in range(begin, start):
        if lines[k].rstrip(" \t") == "---":
            return k
    while start > begin and lines[start - 1].startswith(_PREAMBLE):
        start -= 1
    return start


def clean_prose(text: str, charset: str | None) -> str:
    """Prose for display: undo surrogateescape with the declared charset."""
    try:
        raw = encode(text)
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


def clean_subject(subject: str) -> str:
    """Drop "Re:" and "[PATCH ...]" prefixes."""
    while True:
        m = _SUBJECT_REPLY.match(subject)
        if not m:
            m = _SUBJECT_TAG.match(subject)
            if not m or not _PATCH_TAG.search(m.group(1)):
                return subject.strip(" \t")
        subject = subject[m.end():]


def upstream_id(body: str) -> str | None:
    for pattern in _UPSTREAM:
        m = pattern.search(body)
        if m:
            return m.group(1)
    return None


def base_commit(lines: list[str], start: int) -> str | None:
    for s in lines[start:]:
        if s.startswith("base-commit: "):
            m = _BASE_COMMIT.match(s)
            if m:
                return m.group(1)
    return None
