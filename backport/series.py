"""The series stage: one ``git format-patch``-style mail per patch and target,
ready for ``git send-email`` / ``git am``.

The original author and date stay; the subject gets ``[PATCH <target>]``;
the stable conventions are followed (``commit <sha> upstream.`` at the top of
the body when the upstream commit is known, and a bracketed backport note
written from the verdicts between the Signed-off-by lines).
"""
from __future__ import annotations

import email.utils
import re
import subprocess
from datetime import datetime

from . import __version__
from .model import PortResult, TargetResult, Verdict
from .tree import encode

_WEB_DATE = re.compile(r"^\w{3} (\w{3}) (\d{1,2}) (\d{4}) - (\d{2}:\d{2}:\d{2}) (\w+)$")


def slug(subject: str) -> str:
    """git format-patch's file name slug for a subject."""
    text = re.sub(r"[^A-Za-z0-9._]+", "-", subject).strip("-.")
    return re.sub(r"-+", "-", text)[:52].rstrip("-.") or "patch"


def mail_date(date: str) -> str:
    """The original date in RFC 2822 form when it can be read, else as given."""
    if not date:
        return email.utils.format_datetime(datetime.now().astimezone())
    if email.utils.parsedate_tz(date):
        return date
    m = _WEB_DATE.match(date.strip())
    if m:
        mon, day, year, clock, zone = m.groups()
        parsed = email.utils.parsedate_tz(f"{day} {mon} {year} {clock} {zone}")
        if parsed:
            return email.utils.format_datetime(datetime.fromtimestamp(email.utils.mktime_tz(parsed)).astimezone(
                _zone(parsed[9])))
    return date


def _zone(offset: int | None):
    from datetime import timezone, timedelta
    return timezone(timedelta(seconds=offset or 0))


def backport_note(target: TargetResult, porter: str) -> str | None:
    """``[ porter: adjusted ... ]`` from the verdicts, or None when nothing was adapted."""
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
    if not parts:
        return None
    who = porter.split("<")[0].strip() if porter else "backport"
    return f"[ {who}: " + "; ".join(parts) + " ]"


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
    run = subprocess.run(["git", "apply", "--stat", "-"], input=encode(diff), capture_output=True)
    return run.stdout.decode("utf-8", "replace") if run.returncode == 0 else ""


def mail(result: PortResult, target: TargetResult, *, prefix: str, signoff: str | None,
         upstream_style: str = "commit", number: tuple[int, int] | None = None) -> str:
    meta = result.patch.meta
    count = f" {number[0]}/{number[1]}" if number and number[1] > 1 else ""
    subject = f"[{prefix}{count}] {meta.subject or 'backport'}"
    body = meta.body
    if meta.upstream and meta.upstream not in body:
        head = f"commit {meta.upstream} upstream." if upstream_style == "commit" else f"[ Upstream commit {meta.upstream} ]"
        body = head + "\n\n" + body
    body = with_note(body, backport_note(target, signoff or ""), signoff)
    return (f"From {'0' * 40} Mon Sep 17 00:00:00 2001\n"
            f"From: {meta.author or 'Unknown <unknown@unknown>'}\n"
            f"Date: {mail_date(meta.date)}\n"
            f"Subject: {subject}\n\n"
            f"{body}\n---\n{diffstat(target.diff)}\n{target.diff}-- \nbackport {__version__}\n\n")
