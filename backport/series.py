"""The series stage: a ``git format-patch``-style series per target, ready for
``git send-email`` / ``git am``.

One mail per reference patch whose change could be placed in the target
(``0001-<slug>.patch`` ...), numbered ``[PATCH <target> n/m]`` when there are
several, plus ``0000-cover-letter.patch`` listing them.  Each mail is::

    From 0000000000000000000000000000000000000000 Mon Sep 17 00:00:00 2001
    From: original author          (a placeholder address when the source had none)
    Date: original date            (RFC 2822; a web copy's date converted)
    Subject: [PATCH <target>] original subject

    commit <sha> upstream.         (or [ Upstream commit <sha> ], when known)

    original body, then the backport note ([ porter: renamed ... ]) after the
    last Signed-off-by, then the porter's Signed-off-by (--signoff)
    ---
    [ backport: NEEDS REVIEW: ... ]    (git am ignores this part: it is not
    [ backport: ... ]                   part of the commit message)

     diffstat
    diff --git ...
    --
    backport <version>

A hunk that needs a human (``conflict``/``missing``) or a failed check never
reaches a series silently: each one is named in a ``NEEDS REVIEW`` note below
the ``---`` of its mail and in the cover letter (whose subject then starts
with ``*** NEEDS REVIEW ***``).
"""
from __future__ import annotations

import email.errors
import email.policy
import email.utils
import re
import subprocess
import unicodedata
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from email.headerregistry import Address
from email.message import EmailMessage

from . import __version__
from .encoding import encode
from .errors import OutputError
from .model import PortResult, TargetResult, Verdict
from .safetext import line, one_line, unsafe_in, visible
from .stable import doubts

_WEB_DATE = re.compile(r"^\w{3} (\w{3}) (\d{1,2}) (\d{4}) - (\d{2}:\d{2}:\d{2}) (\w+)$")
ZEROS = "0" * 40
_PATCHBREAK = re.compile(r"^(?:---(?:\s|$)|diff -|Index: )")  # where git mailinfo starts the patch
PLACEHOLDER_DOMAIN = "unknown.invalid"  # RFC 2606: never resolves, never delivers
UPSTREAM_STYLES = ("commit", "bracket")
_BLANK_RUNS = re.compile(r"\s{2,}")
_IDENT_CRUD = " \t.,:;<>\"\\'"  # what git's ident code strips from both ends of a name


def slug(subject: str) -> str:
    """git format-patch's file name slug for a subject."""
    text = re.sub(r"[^A-Za-z0-9._]+", "-", subject).strip("-.")
    return re.sub(r"-+", "-", text)[:52].rstrip("-.") or "patch"


def mail_date(date: str) -> str:
    """The original date in RFC 2822 form (a web copy's date converted), or "" when it cannot be read."""
    date = one_line(date)
    if not date:
        return ""
    parsed = email.utils.parsedate_tz(date)
    if parsed is None:
        m = _WEB_DATE.match(date)
        if m:
            mon, day, year, clock, zone = m.groups()
            parsed = email.utils.parsedate_tz(f"{day} {mon} {year} {clock} {zone}")
    if parsed is None or parsed[0] < 1970:
        return ""
    try:
        when = datetime.fromtimestamp(email.utils.mktime_tz(parsed), _zone(parsed[9]))
    except (OverflowError, OSError, ValueError):
        return ""
    return email.utils.format_datetime(when)


def _zone(offset: int | None):
    return timezone(timedelta(seconds=offset or 0))


# ---------------------------------------------------------------------------
# authors


@dataclass(frozen=True)
class Author:
    name: str
    address: str
    placeholder: bool  # the source gave no (usable) address

    def __str__(self) -> str:
        return f"{self.name} <{self.address}>" if self.name else f"<{self.address}>"

    def header(self) -> Address:
        """The From: header value (``email.headerregistry`` quotes and encodes the name)."""
        return Address(display_name=self.name, addr_spec=self.address)


def author_of(text: str) -> Author:
    """The author of a From: value.

    ``git am`` refuses a From: without an address, and a web copy of a mail
    has only the name ("Hugh Dickins") or an obfuscated address
    ("zhaowuyun@xxxxxxxxxxxx").  The name is kept and the address becomes
    ``hugh.dickins@unknown.invalid``: per author (so a ``.mailmap`` line or a
    search fixes it), obviously a placeholder, and undeliverable (``.invalid``
    is reserved), so ``git send-email`` cannot mail a stranger by mistake.
    """
    raw = one_line(text)
    name, address = (raw, "") if "@" not in raw else email.utils.parseaddr(raw)
    name = one_line(name).strip('"')
    if "@" in address and not re.search(r"@x{3,}$|@(?:\.\.\.|\[[^]]*\])", address) and _deliverable(address):
        return Author(display_name(name), address, False)
    name = (name or address).split("@")[0].strip()
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    local = re.sub(r"[^a-z0-9]+", ".", ascii_name.lower()).strip(".") or "unknown"
    return Author(display_name(name) or "Unknown", f"{local}@{PLACEHOLDER_DOMAIN}", True)


def display_name(name: str) -> str:
    """A name ``git mailinfo`` and ``git am`` read back as the same name.

    mailinfo takes the first ``@`` of From: for the address and ``<>`` as its
    delimiters, reads an unbalanced ``(`` as the start of a comment, and loses
    the quotes of an RFC 2047-encoded name; git's ident rules drop blanks and
    ``.,:;<>"\\'`` at either end (a name of nothing else makes ``git am`` fail).
    """
    name = name.replace("@", " at ").replace("<", " ").replace(">", " ").replace('"', " ").replace("=?", "= ?")
    depth = 0
    for ch in name:
        depth += {"(": 1, ")": -1}.get(ch, 0)
        if depth < 0:
            break
    if depth:
        name = name.replace("(", " ").replace(")", " ")
    return _BLANK_RUNS.sub(" ", name).strip(_IDENT_CRUD)


def _deliverable(address: str) -> bool:
    """An address ``email.headerregistry`` can write as it is (ASCII, dot-atom or quoted local part)."""
    try:
        Address(addr_spec=address)
    except (ValueError, IndexError, email.errors.HeaderParseError):
        return False
    return address.isascii()


# ---------------------------------------------------------------------------
# notes


def backport_note(target: TargetResult, porter: str) -> str | None:
    """``[ porter: adjusted ...; LEFT OUT ... ]`` from the verdicts, or None when nothing was adapted.

    It goes into the commit message, which ``git am`` keeps: so a hunk left
    out of the patch, or a check that failed, is said there too (never only
    below ``---``).
    """
    parts = []
    renames = sorted({f"{r.old}() -> {r.new}()" if not r.old.endswith("_lock") else f"{r.old} -> {r.new}"
                      for h in target.hunks for r in h.renames})
    if renames:
        parts.append("renamed " + ", ".join(renames))
    drifted = sorted({h.base.function or h.path for h in target.hunks if h.verdict == Verdict.DRIFTED and h.base})
    if drifted:
        parts.append("adjusted context in " + ", ".join(f"{f}()" if "/" not in f else f for f in drifted))
    moved = sorted({f"{h.base.function}() to {h.target.path}" for h in target.hunks
                    if h.verdict == Verdict.RELOCATED and h.base and h.target})
    if moved:
        parts.append("followed " + ", ".join(moved))
    parts += missing(target)
    if not parts:
        return None
    who = porter.split("<")[0].strip() if porter else "backport"
    return _bracket(f"[ {line(who)}: " + "; ".join(line(p) for p in parts) + " ]")


def missing(target: TargetResult) -> list[str]:
    """What the patch does not do that the reference patch did: hunks left out, checks failed."""
    out = []
    for h in target.hunks:
        if h.verdict.needs_human and not (h.regenerated and h.target):
            where = f" in {h.base.function}()" if h.base and h.base.function else ""
            out.append(f"LEFT OUT {h.path} hunk #{h.index}{where}: {h.reason}")
    out += [f"check failed: {c.name}: {c.detail}" for c in target.checks if not c.ok]
    return out


def _bracket(note: str, width: int = 75) -> str:
    """A long note folded at word boundaries, continuation lines indented (as stable notes are)."""
    import textwrap
    body = note[:-2] if note.endswith(" ]") else note
    lines = textwrap.wrap(body, width - 2, subsequent_indent="  ", break_long_words=False, break_on_hyphens=False)
    return "\n".join(lines) + note[len(body):] if lines else note


def review_items(target: TargetResult) -> list[str]:
    """One line per thing a human must look at before this mail is sent."""
    items = []
    for h in target.hunks:
        if not h.verdict.needs_human:
            continue
        where = f" in {h.base.function}()" if h.base and h.base.function else ""
        fate = "included, check it" if h.regenerated and h.target else "LEFT OUT of this patch"
        items.append(f"{h.path} hunk #{h.index}{where}: {h.verdict.value}, {fate}: {h.reason}")
    items += [f"check failed: {c.name}: {c.detail}" for c in target.checks if not c.ok]
    return items


def with_note(body: str, note: str | None, signoff: str | None) -> str:
    """The message body with the note placed after the last Signed-off-by, then the porter's."""
    lines = body.rstrip("\n").split("\n") if body.strip() else []
    trailer_at = max((i for i, ln in enumerate(lines) if ln.startswith("Signed-off-by:")), default=None)
    extra = ([note] if note else []) + ([f"Signed-off-by: {signoff}"] if signoff else [])
    if not extra:
        return "\n".join(lines)
    if trailer_at is None:
        return "\n".join(lines + [""] + extra)
    return "\n".join(lines[:trailer_at + 1] + extra + lines[trailer_at + 1:])


def diffstat(diff: str) -> str:
    """``git apply --stat --summary`` of a diff (what format-patch shows below ``---``):
    computed here for the diffs this tool writes (plain edits of files whose names need
    no quoting), by git for anything else."""
    counted = plain_counts(diff)
    if counted is not None:
        return _stat_lines(counted)
    run = subprocess.run(["git", "apply", "--stat", "--summary", "-"], input=encode(diff), capture_output=True)
    return run.stdout.decode("utf-8", "replace") if run.returncode == 0 else ""


_PLAIN_NAME = re.compile(r"^[!#-\[\]-~]+$")  # printable ASCII, no space, '"' or '\\': git prints it unquoted
_HUNK_HEAD = re.compile(r"^@@ -\d+(?:,(\d+))? \+\d+(?:,(\d+))? @@")  # "@@ -120,7 +121,8 @@ f()": 7, 8


def plain_counts(diff: str) -> list[tuple[str, int, int]] | None:
    """(name, added, deleted) per file of a diff of plain edits; None for anything else."""
    out: list[tuple[str, int, int]] = []
    lines = diff.split("\n")
    i = 0
    while i < len(lines):
        if not lines[i]:
            i += 1
            continue
        name, i = _plain_head(lines, i)
        counted = _hunk_counts(lines, i) if name is not None else None
        if name is None or counted is None:
            return None
        added, deleted, i = counted
        out.append((name, added, deleted))
    return out or None


def _plain_head(lines: list[str], i: int) -> tuple[str | None, int]:
    """The name of the file whose ``diff --git`` header starts at ``lines[i]`` (None unless it
    is a plain edit of a file named without quoting), and the line after the header."""
    line = lines[i]
    if not line.startswith("diff --git "):
        return None, i
    heads = []
    i += 1
    while i < len(lines) and not lines[i].startswith("@@") and not lines[i].startswith("diff --git "):
        heads.append(lines[i])
        i += 1
    if len(heads) < 2 or any(not h.startswith(("index ", "--- a/", "+++ b/")) for h in heads):
        return None, i
    old, new = heads[-2][len("--- a/"):], heads[-1][len("+++ b/"):]
    if not (heads[-2].startswith("--- a/") and heads[-1].startswith("+++ b/")) or old != new \
            or not _PLAIN_NAME.match(new) or line != f"diff --git a/{old} b/{new}":
        return None, i
    return new, i


def _hunk_counts(lines: list[str], i: int) -> tuple[int, int, int] | None:
    """(added, deleted, the line after them) of the hunks from ``lines[i]``; None when a hunk
    is not whole."""
    added = deleted = 0
    while i < len(lines) and lines[i].startswith("@@"):
        m = _HUNK_HEAD.match(lines[i])
        if not m:
            return None
        old_left, new_left = int(m.group(1) or 1), int(m.group(2) or 1)
        i += 1
        while (old_left > 0 or new_left > 0) and i < len(lines):
            kind = lines[i][:1]
            if kind == " ":
                old_left, new_left = old_left - 1, new_left - 1
            elif kind == "-":
                old_left, deleted = old_left - 1, deleted + 1
            elif kind == "+":
                new_left, added = new_left - 1, added + 1
            elif kind != "\\":
                return None
            i += 1
        if old_left or new_left:
            return None
        while i < len(lines) and lines[i].startswith("\\"):
            i += 1
    return added, deleted, i


def _stat_lines(files: list[tuple[str, int, int]]) -> str:
    """What ``git apply --stat`` prints for these counts (apply.c: show_stats, stat_patch_list)."""
    max_len = min(max(len(name) for name, _, _ in files), 50)
    max_change = max(a + d for _, a, d in files)
    out = []
    for name, add, dele in files:
        if len(name) > max_len:
            cut = name.find("/", len(name) + 3 - max_len)
            name = "..." + name[cut if cut >= 0 else len(name) + 3 - max_len:]
        width = 70 - max_len if max_len + max_change > 70 else max_change
        plus, minus = add, dele
        if max_change > 0:
            total = ((add + dele) * width + max_change // 2) // max_change
            plus = (add * width + max_change // 2) // max_change
            minus = total - plus
        out.append(f" {name:<{max_len}} |{add + dele:5d} {'+' * plus}{'-' * minus}")
    adds, dels = sum(a for _, a, _ in files), sum(d for _, _, d in files)
    summary = f" {len(files)} file{'s' if len(files) != 1 else ''} changed"
    if adds or dels == 0:
        summary += f", {adds} insertion{'s' if adds != 1 else ''}(+)"
    if dels or adds == 0:
        summary += f", {dels} deletion{'s' if dels != 1 else ''}(-)"
    return "\n".join(out + [summary]) + "\n"


def combined_diffstat(diffs: list[str]) -> str:
    """One diffstat for several diffs of the same tree (a file touched twice counts once)."""
    totals: dict[str, list[int]] = {}
    for diff in diffs:
        run = subprocess.run(["git", "apply", "--numstat", "-"], input=encode(diff), capture_output=True)
        for row in run.stdout.decode("utf-8", "replace").splitlines():
            plus, minus, path = row.split("\t", 2)
            count = totals.setdefault(path, [0, 0])
            count[0] += int(plus) if plus.isdigit() else 0
            count[1] += int(minus) if minus.isdigit() else 0
    if not totals:
        return ""
    name = max(len(p) for p in totals)
    most = max(a + r for a, r in totals.values()) or 1
    digits = len(str(most))
    scale = min(1.0, max(1, 60 - name - digits) / most)
    out = []
    for path, (add, rem) in totals.items():
        bar = "+" * (round(add * scale) or (1 if add else 0)) + "-" * (round(rem * scale) or (1 if rem else 0))
        out.append(f" {path:<{name}} | {add + rem:>{digits}} {bar}")
    adds, rems = sum(a for a, _ in totals.values()), sum(r for _, r in totals.values())
    files = len(totals)
    out.append(f" {files} file{'s' if files != 1 else ''} changed, {adds} insertion{'s' if adds != 1 else ''}(+), "
               f"{rems} deletion{'s' if rems != 1 else ''}(-)")
    return "\n".join(out) + "\n"


def upstream_line(sha: str, style: str) -> str:
    return f"commit {sha} upstream." if style == "commit" else f"[ Upstream commit {sha} ]"


_HEADER_POLICY = email.policy.default.clone(linesep="\n", max_line_length=78)
_MIME = "MIME-Version: 1.0\nContent-Type: text/plain; charset=UTF-8\nContent-Transfer-Encoding: 8bit\n"


def _headers(author: Author, date: str, subject: str, text: str, commit: str | None = None) -> str:
    """The mail's header block, written by ``email``'s header machinery.

    Every value is folded to one line first (``safetext.one_line``): a CR, LF
    or other control character decoded from the input can never start a
    header of its own (an encoded ``\\nCc: stranger`` in a Subject would
    otherwise become a recipient of ``git send-email``).  Non-ASCII names and
    subjects are RFC 2047-encoded, long lines folded, as ``git format-patch`` does.
    """
    block = _header_block(author, date, subject, _HEADER_POLICY)
    if not _well_formed(block):  # email's folder can break a line inside a quoted name; then do not fold
        block = _header_block(author, date, subject, _HEADER_POLICY.clone(max_line_length=0))
    if not _well_formed(block):
        raise OutputError(f"cannot write a safe mail header for {line(author.name)!r} / {line(subject)!r}")
    mime = "" if text.isascii() else _MIME
    return f"From {commit or ZEROS} Mon Sep 17 00:00:00 2001\n" + block + mime + "\n"


def _header_block(author: Author, date: str, subject: str, policy) -> str:
    head = EmailMessage(policy=policy)
    head["From"] = author.header()
    if date:
        head["Date"] = date
    # email decodes what looks like an encoded word when a header is set: "=?" must stay literal text
    head["Subject"] = one_line(subject).replace("=?", "= ?")
    return head.as_string()[:-1]  # the header lines, without the blank line that ends them


def _well_formed(block: str) -> bool:
    """Each line is one of our headers or the continuation of one: nothing else can be read as a header."""
    lines = block.rstrip("\n").split("\n")
    names = [ln.split(":", 1)[0] for ln in lines if ln[:1] not in (" ", "\t")]
    return names in (["From", "Date", "Subject"], ["From", "Subject"]) and lines[0].startswith("From: ")


def _signature() -> str:
    return f"-- \nbackport {__version__}\n\n"


def mail(result: PortResult, target: TargetResult, *, prefix: str, signoff: str | None,
         upstream_style: str = "commit", number: tuple[int, int] | None = None) -> str:
    """One patch of the series for one target."""
    meta = result.patch.meta
    count = f" {number[0]}/{number[1]}" if number and number[1] > 1 else ""
    subject = f"[{prefix}{count}] {meta.subject or 'backport'}"
    body = meta.body
    if meta.upstream and meta.upstream not in body:
        body = upstream_line(meta.upstream, upstream_style) + "\n\n" + body
    body = git_safe_body(with_note(body, backport_note(target, signoff or ""), signoff))
    author = author_of(meta.author)
    notes = [f"[ backport: NEEDS REVIEW: {line(x)} ]" for x in review_items(target) + message_hazards(meta)]
    notes += [f"[ backport: {line(x)} ]" for x in doubts(target)]  # Fixes:/stable: maybe no fix needed here
    if meta.date and not mail_date(meta.date):
        notes.append(f"[ backport: the source's date `{one_line(meta.date)[:60]}` cannot be read: "
                     "Date: is the time of this run ]")
    if author.placeholder:
        notes.append(f"[ backport: the source gives no address for {author.name}: "
                     f"From: uses the placeholder {author.address}; fix it before sending ]")
    below = "\n".join(notes) + "\n\n" if notes else ""
    text = f"{body}\n---\n{below}{diffstat(target.diff)}\n{target.diff}"
    sha = meta.upstream if meta.upstream and _SHA.fullmatch(meta.upstream) else None  # format-patch's From <sha>
    return _headers(author, mail_date(meta.date) or _now(), subject, text + meta.author, sha) + text + _signature()


_SHA = re.compile(r"[0-9a-f]{40}")


_IN_BODY_HEADER = re.compile(r"(?i:from|subject|date):|>From\s|\[PATCH\]\s")  # git mailinfo's in-body headers
_AM_SUBJECT_STRIP = re.compile(r"(?i:re:)|[\[ \t:]")  # what git am's cleanup_subject removes at the start
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def git_safe_body(body: str) -> str:
    """The body as the commit message may hold it (see ``message_hazards``): control characters
    and bidirectional overrides shown escaped (``\\x1b``: ``git log`` would print them raw, and git
    refuses a NUL), a line git mailsplit would split at quoted ``>From``."""
    if _CONTROL.search(body):
        body = _CONTROL.sub(lambda m: visible(m.group(0)), body)
    if "From " not in body:
        return body
    return "\n".join(">" + ln if is_mbox_from(ln) else ln for ln in body.split("\n"))


def is_mbox_from(text: str) -> bool:
    """git mailsplit's test for a line that starts a new message ("From x ... hh:mm:ss yyyy")."""
    if len(text) < 19 or not text.startswith("From "):
        return False
    colon = text.rfind(":", 5)
    tail, head = text[colon + 1:colon + 3], text[colon - 4:colon]
    if colon < 9 or not (tail.isdigit() and len(tail) == 2 and head[0].isdigit() and head[2:].isdigit()):
        return False
    year = re.match(r"\s*[+-]?\d+", text[colon + 3:])
    return year is not None and int(year.group(0)) > 90


def message_hazards(meta) -> list[str]:
    """What in the subject or body ``git mailsplit``/``git am`` would read otherwise than meant.

    Each hazard is a NEEDS REVIEW item, and the run exits 1.  Only what would
    stop ``git am`` is rewritten, by ``git_safe_body``: a line mailsplit would
    split at is quoted ``>From`` (mboxrd), control characters are written
    escaped (``\\x00``, ``\\x1b``).
    """
    lines = meta.body.split("\n")
    found = []
    cut = next((ln for ln in lines if _PATCHBREAK.match(ln)), None)
    if cut is not None:
        found.append(f"git am ends the commit message at the body line `{line(cut.strip())}`; edit the body")
    split = next((ln for ln in lines if is_mbox_from(ln)), None)
    if split is not None:
        found.append(f"git mailsplit would start a new mail at the body line `{line(split)}`: written as "
                     "`>From ...` (git am --patch-format=mboxrd takes the `>` off); check the message")
    first = next((ln for ln in lines if ln.strip()), "")
    if _IN_BODY_HEADER.match(first):
        found.append(f"git am reads the first body line `{line(first)}` as a header (author, subject or date); "
                     "edit the body")
    controls = unsafe_in("".join(_CONTROL.findall(meta.body)))
    if controls:
        found.append(f"the body holds control characters ({', '.join(controls)}): written escaped; check the message")
    if _AM_SUBJECT_STRIP.match(meta.subject or "x"):
        found.append(f"git am drops the start of the subject `{line(meta.subject)}` (a leading `[...]`, `Re:` "
                     "or blank); edit the subject")
    return found


@dataclass(frozen=True)
class SeriesEntry:
    """One reference patch as seen from one target: written as number ``number`` or left out."""

    result: PortResult
    target: TargetResult
    number: int | None  # 1-based position in the series, None when not written
    file: str | None = None


def cover_letter(target_name: str, entries: list[SeriesEntry], *, prefix: str, sender: str | None) -> str:
    """``0000-cover-letter.patch``: the patches, the target, the verdicts, and every hunk that needs a human."""
    written = [e for e in entries if e.number is not None]
    total = len(written)
    review = [(e, x) for e in entries for x in review_items(e.target)]
    bases = sorted({e.result.base or "?" for e in entries})
    title = f"backport of {total} patch{'es' if total != 1 else ''} to {target_name}"
    subject = f"[{prefix} 0/{total}] " + ("*** NEEDS REVIEW *** " if review else "") + title
    out = [f"Backport of {total} patch{'es' if total != 1 else ''} from {', '.join(bases)} to {target_name}"
           f", regenerated on the target's own text by backport {__version__}.", ""]
    if review:
        out += [f"*** NEEDS REVIEW: {len(review)} item(s) need a human before this series is sent ***", ""]
        for e, x in review:
            out.append(f"  {_label(e, total)} {line(x)}")
        out.append("")
    out.append("Verdicts:")
    for e in entries:
        counts: dict[str, int] = {}
        for h in e.target.hunks:
            counts[h.verdict.value] = counts.get(h.verdict.value, 0) + 1
        summary = ", ".join(f"{n} {v}" for v, n in counts.items()) or "no hunks"
        out.append(f"  {_label(e, total)} {line(e.result.patch.meta.subject or e.result.patch.source)}: {summary}")
    left = [e for e in entries if e.number is None]
    if left:
        out += ["", "Not in this series (nothing could be placed, or left out by --no-partial):"]
        out += [f"  - {line(e.result.patch.meta.subject or e.result.patch.source)}" for e in left]
    out += ["", *_shortlog(written), "", combined_diffstat([e.target.diff for e in written]).rstrip("\n"), ""]
    text = "\n".join(out) + "\n"
    who = sender or (str(author_of(written[0].result.patch.meta.author)) if written else "backport <backport@invalid>")
    return _headers(author_of(who), _now(), subject, text + who) + text + _signature()


def _now() -> str:
    return email.utils.format_datetime(datetime.now().astimezone())


def _label(e: SeriesEntry, total: int) -> str:
    return f"[{e.number}/{total}]" if e.number is not None else "[--]"


def _shortlog(entries: list[SeriesEntry]) -> list[str]:
    """``git shortlog``'s grouping: "Author (n):" then the indented subjects."""
    groups: dict[str, list[str]] = {}
    for e in entries:
        groups.setdefault(author_of(e.result.patch.meta.author).name, []).append(e.result.patch.meta.subject)
    out = []
    for name, subjects in groups.items():
        out += [f"{name} ({len(subjects)}):"] + [f"  {s}" for s in subjects] + [""]
    return out[:-1]
