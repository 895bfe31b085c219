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

Three modules share the work: ``mail`` reads messages, headers and MIME
parts and the prose around a diff; ``diffscan`` finds the diff and normalises
it (hunk extents from the ``@@`` counts, lost leading spaces restored,
timestamps and prefixes taken off); this module drives them and lets
``unidiff`` parse the normalised diff into the model.  The text is read as
UTF-8 with ``surrogateescape`` so that any byte survives.  Every problem with
the input is reported as a ``PatchError`` naming the input line.
"""

from __future__ import annotations

import re
from dataclasses import replace

import unidiff
from unidiff.errors import UnidiffParseError

from .diffscan import HUNK_HEADER, FileRecord, Scanner, normalised
from .encoding import decode
from .errors import PatchError
from .mail import (
    FORMAT_PATCH_FROM,
    GITLOG,
    MBOX_FROM,
    MailText,
    base_commit,
    body_end,
    clean_prose,
    clean_subject,
    gitlog,
    header_end,
    mail_body,
    mail_fields,
    messages,
    pseudo_headers,
    split_lines,
    upstream_id,
)
from .model import FileKind, FilePatch, Hunk, Line, Patch, PatchMeta
from .safetext import one_line
from .tree import KERNEL_VERSION

STDIN = "-"
STDIN_NAME = "<stdin>"
NO_DIFF = "not a patch: no unified diff found"
_A = re.ASCII
# the version in a diff's old-side prefix: "4.9.117", "linux-4.9.117.orig", "v5.10-old"
_BASE_PREFIX = re.compile(KERNEL_VERSION.pattern + r"(?:[.-]orig|[.-]old)?", _A)


def read_patches(path: str) -> list[Patch]:
    """Read the reference patch at ``path`` ('-' for stdin)."""
    from .inputs import read_input  # regular files (or stdin) only, size-limited
    source = STDIN_NAME if path == STDIN else path
    return parse_patches(read_input(path, "patch", source=source), source)


def parse_patches(data: bytes, source: str) -> list[Patch]:
    """Every patch in ``data``: one per mbox message with a diff, else one."""
    if not data.strip():
        raise PatchError("empty file", source=source)
    lines = split_lines(decode(data))
    patches = []
    for lo, hi in messages(lines):
        patch = _parse_message(lines, lo, hi, source)
        if patch is not None:
            patches.append(patch)
    if not patches:
        raise PatchError(NO_DIFF, source=source)
    return patches


def _parse_message(lines: list[str], lo: int, hi: int, source: str) -> Patch | None:
    patch = _parse_one(lines, lo, hi, source)
    sha = lines[lo][5:45] if FORMAT_PATCH_FROM.match(lines[lo]) else None
    if patch is not None and patch.meta.upstream is None and sha and sha.strip("0"):
        return replace(patch, meta=replace(patch.meta, upstream=sha))  # git format-patch's "From <sha>"
    return patch


def _parse_one(lines: list[str], lo: int, hi: int, source: str) -> Patch | None:
    start = lo + 1 if MBOX_FROM.match(lines[lo]) else lo
    end = header_end(lines, start, hi)
    if end is not None:
        fields = mail_fields(lines[start:end])
        return _build(fields, mail_body(lines, lo, end, hi, fields), source, pseudo=False)
    if start < hi and GITLOG.match(lines[start]):
        fields, text = gitlog(lines, start, hi)
        return _build(fields, text, source, pseudo=False)
    return _build({}, MailText(lines[lo:hi], lo + 1), source, pseudo=True)


def _build(fields: dict[str, str], text: MailText, source: str, pseudo: bool) -> Patch | None:
    start = _diff_start(text.lines)
    if start is None:
        return None
    scanner = Scanner(text.lines, text.first, source)
    scanner.scan(start)
    files = _to_model(scanner.files, source)
    fields = _prose(fields, text, start, pseudo)
    meta = PatchMeta(  # header values are one line each: a decoded CR/LF cannot start a header of its own
        author=one_line(clean_prose(fields.get("from", ""), text.charset)),
        date=one_line(clean_prose(fields.get("date", ""), text.charset)),
        subject=clean_subject(one_line(clean_prose(fields.get("subject", ""), text.charset))),
        body=fields["body"],
        upstream=upstream_id(fields["body"]),
        message_id=one_line(clean_prose(fields.get("message-id", ""), None)).strip(" \t<>") or None,
        base_commit=base_commit(text.lines, start),
    )
    return Patch(meta, tuple(files), source, _base_hint(files), scanner.damaged)


def _prose(fields: dict[str, str], text: MailText, start: int, pseudo: bool) -> dict[str, str]:
    """Fields completed with pseudo / in-body headers and the message body."""
    if "body" in fields:
        return fields
    extra, begin = pseudo_headers(text.lines, start, pseudo)
    fields = {**fields, **extra}
    end = body_end(text.lines, begin, start)
    body = "\n".join(text.lines[begin:end]).strip("\n")
    fields["body"] = clean_prose(body, text.charset)
    return fields


def _diff_start(lines: list[str]) -> int | None:
    n = len(lines)
    for i, s in enumerate(lines):
        if s.startswith("diff --git "):
            return i
        if s.startswith("--- ") and i + 2 < n and lines[i + 1].startswith("+++ ") and HUNK_HEADER.match(lines[i + 2]):
            return i
    return None


def _base_hint(files: list[FilePatch]) -> str | None:
    for f in files:
        if f.old_prefix:
            m = _BASE_PREFIX.fullmatch(f.old_prefix)
            return m.group(1) if m else None
    return None


def _to_model(files: list[FileRecord], source: str) -> list[FilePatch]:
    try:
        parsed = iter(unidiff.PatchSet(normalised(files)))
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
        if fp.kind in (FileKind.RENAME, FileKind.COPY):
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
