"""Fuzz driver (not run in CI): throw random and mutated input at the tool.

    python -m tools.fuzz --seconds 60 [--target ingest|port|mail|all] [--seed N] [--out DIR]

Two targets:

* ``ingest``: seed patches (the project's own patches, golden cases, test
  data) mutated byte- and line-wise, spliced, truncated, or plain random
  bytes, fed to ``ingest.parse_patches``.  Anything but a ``BackportError``
  is a crash.  A patch that parses is rendered (``model.diff_text``) and
  parsed again: the hunks must come back the same (a *round-trip* finding).
* ``port``: random small C files (functions, nested blocks, comments,
  repeated statements, sometimes Latin-1 bytes, CRLF or no newline at the
  end), random line edits giving the "after" file, a unified diff of the two,
  and a target that is the base itself or the base with random drift
  (lines inserted, a function moved, an identifier renamed).  Run through
  ``pipeline.port`` with ``DirTree`` base and target in a temporary
  directory.  Anything but a ``BackportError`` is a crash; porting to the
  base itself must give ``exact`` verdicts and the input hunks back
  (a *self-port* finding).
* ``mail``: mails whose Subject, From and Date are RFC 2047 encoded words
  holding CR/LF, NUL, ESC sequences, bidi overrides, ``Cc:`` lines and
  address specials, and whose bodies hold the lines git mailsplit/am misread,
  read by ``ingest`` and written by ``series.mail``.  A finding is a written
  header block with any line but From/Date/Subject (and the MIME lines), or
  an unflagged mail whose address ``git mailinfo`` reads otherwise.

Every input is deterministic given ``--seed`` and its number.  Each finding
is saved under ``--out`` (default ``fuzz-out/``) as a reproducer: the input
bytes (ingest) or a directory with ``patch.diff``, ``base/``, ``target/``
(port), plus ``finding.txt`` with the traceback or the mismatch and the
command that replays it.  An input that takes longer than ``--slow`` seconds
is reported as slow.
"""
from __future__ import annotations

import argparse
import difflib
import hashlib
import random
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import traceback
from collections import Counter
from pathlib import Path

from backport.encoding import encode
from backport.errors import BackportError

ROOT = Path(__file__).resolve().parent.parent

# ---------------------------------------------------------------------------
# random C files and edits (shared with tests/test_properties.py)

NAMES = ["err", "ret", "page", "entry", "flags", "count", "p", "q", "len", "idx"]
LOCALS = [n for n in NAMES if n not in ("page", "flags")]  # the others are the functions' parameters
CALLS = ["spin_lock", "spin_unlock", "mutex_lock", "mutex_unlock", "put_page", "get_page", "kfree",
         "preempt_disable", "preempt_enable", "do_work", "check"]
FIELDS = ["lock", "tree_lock", "i_pages", "refcount", "next", "flags"]
LATIN1 = ["J\xf6rg", "M\xfcller", "caf\xe9", "na\xefve", "\xa9 2001"]  # encoded as Latin-1 bytes


def _expr(rng: random.Random) -> str:
    a, b = rng.choice(NAMES), rng.choice(NAMES)
    return rng.choice([f"{a}", f"{a} + {rng.randint(0, 9)}", f"{a}->{rng.choice(FIELDS)}",
                       f"{a} & {b}", f"!{a}", f"{rng.choice(CALLS)}({a})"])


def statement(rng: random.Random, multiline: bool = True) -> str:
    """One simple statement (no braces); ``multiline`` allows a call split over two lines."""
    a = rng.choice(NAMES)
    more = [f"{a} = {rng.choice(CALLS)}({_expr(rng)},\n\t\t{_expr(rng)});"] if multiline else []
    return rng.choice(more + [
        f"{a} = {_expr(rng)};",
        f"{rng.choice(CALLS)}(&{a}->{rng.choice(FIELDS)});",
        f"{rng.choice(CALLS)}({a});",
        f"{a}++;",
        "return 0;",
        f"return {a};",
        "goto out;",
        f"/* {rng.choice(['keep the lock', 'see below', 'XXX', 'racy'])} */",
    ])


def _block(rng: random.Random, depth: int, indent: int, budget: list[int]) -> list[str]:
    lines: list[str] = []
    tab = "\t" * indent
    for _ in range(rng.randint(1, 5)):
        if budget[0] <= 0:
            break
        budget[0] -= 1
        r = rng.random()
        if r < 0.18 and depth < 3:
            head = rng.choice([f"if ({_expr(rng)})", f"while ({_expr(rng)})",
                               f"for ({rng.choice(NAMES)} = 0; {rng.choice(NAMES)} < 4; {rng.choice(NAMES)}++)"])
            lines.append(f"{tab}{head} {{")
            lines += _block(rng, depth + 1, indent + 1, budget)
            lines.append(f"{tab}}}")
        elif r < 0.23:
            lines.append("")
        elif r < 0.27:
            lines += [f"{tab}/*", f"{tab} * {rng.choice(['Comment', 'Another line', 'radix_tree_preload()'])}",
                      f"{tab} */"]
        else:
            lines += [tab + s for s in statement(rng).split("\n")]
    return lines


def c_file(rng: random.Random, latin1: bool | None = None) -> list[str]:
    """A small C file as lines (no newlines)."""
    lines = ["// SPDX-License-Identifier: GPL-2.0"]
    if latin1 if latin1 is not None else rng.random() < 0.1:
        lines.append(f"/* Copyright {rng.choice(LATIN1)} */")
    lines += ["#include <linux/mm.h>", ""]
    if rng.random() < 0.3:
        lines += [f"static int {rng.choice(NAMES)}_global;", ""]
    used: set[str] = set()
    for _ in range(rng.randint(1, 4)):
        name = rng.choice(["swap_free", "do_thing", "helper", "remove_mapping", "probe", "f", "g"])
        if name in used:
            name += str(len(used))
        used.add(name)
        lines.append(f"static int {name}(struct page *page, int flags)")
        lines.append("{")
        lines.append(f"\tint {', '.join(LOCALS)};")  # every name a statement may use is declared
        lines.append("")
        lines += _block(rng, 0, 1, [rng.randint(2, 14)])
        lines.append("\treturn 0;")
        lines.append("}")
        lines.append("")
    return lines[:-1]


def edit(rng: random.Random, lines: list[str], edits: int | None = None, wild: bool = False) -> list[str]:
    """``lines`` with a few random line edits: insert, delete or replace a
    statement line (inside function bodies).  ``wild`` edits any line."""
    out = list(lines)
    for _ in range(edits or rng.randint(1, 4)):
        body = [i for i, s in enumerate(out) if wild or (s.startswith("\t") and not s.rstrip().endswith(("{", "}")))]
        if not body:
            break
        i = rng.choice(body)
        indent = "\t" * max(1, len(out[i]) - len(out[i].lstrip("\t")))
        op = rng.random()
        if op < 0.45:
            new = [indent + s for s in statement(rng).split("\n")]
            if rng.random() < 0.05:
                new = [out[i]]  # a copy of its neighbour: the "second unlock" fix
            out[i + 1:i + 1] = new
        elif op < 0.7 and len(out) > 2:
            del out[i]
        else:
            out[i] = indent + statement(rng, multiline=False)
    return out


def drift(rng: random.Random, lines: list[str]) -> list[str]:
    """A target that moved on from the base: lines added, a function moved, a name changed."""
    out = list(lines)
    for _ in range(rng.randint(1, 3)):
        r = rng.random()
        if r < 0.4:
            at = rng.randint(0, len(out))
            out[at:at] = rng.choice([["/* new */"], ["", "static int added;"], ["#include <linux/extra.h>"]])
        elif r < 0.6:
            old, new = rng.choice(list(zip(CALLS, CALLS[1:]))), None
            new = old[0] + "_new"
            out = [s.replace(old[0] + "(", new + "(") for s in out]
        elif r < 0.8:
            starts = [i for i, s in enumerate(out) if s.startswith("static int ") and "(" in s]
            if len(starts) > 1:
                i = rng.choice(starts)
                j = next((k for k in range(i, len(out)) if out[k] == "}"), len(out) - 1)
                chunk = out[i:j + 2]
                del out[i:j + 2]
                out += chunk
        else:
            out = edit(rng, out, 1)
    return out


def render(lines: list[str], newline_at_end: bool = True, crlf: bool = False) -> bytes:
    text = ("\r\n" if crlf else "\n").join(lines) + (("\r\n" if crlf else "\n") if newline_at_end else "")
    return text.encode("latin-1")


def unified_diff(path: str, before: bytes, after: bytes, context: int = 3) -> bytes:
    """A git-style diff of one file (what ``git diff`` would print, less the index line)."""
    a = before.decode("latin-1").splitlines(keepends=True)
    b = after.decode("latin-1").splitlines(keepends=True)
    body = list(difflib.unified_diff(a, b, f"a/{path}", f"b/{path}", n=context))
    if not body:
        return b""
    out = [f"diff --git a/{path} b/{path}\n"]
    for line in body:
        if line.startswith(("---", "+++")):
            out.append(line.rstrip("\n").rstrip("\t") + "\n" if line.endswith("\n") else line + "\n")
        elif line.startswith("@@") or line.endswith("\n"):
            out.append(line)
        else:
            out.append(line + "\n\\ No newline at end of file\n")
    return "".join(out).encode("latin-1")


# ---------------------------------------------------------------------------
# mutation of seed patches (ingest)

TOKENS = [b"@@ -1,3 +1,4 @@", b"@@ -0,0 +1 @@", b"@@ -999999999,1 +1 @@", b"@@ -1 +1 @@ f()",
          b"diff --git a/x.c b/x.c", b"diff --git a/../x b/../x", b"--- /dev/null", b"+++ /dev/null",
          b"--- a/mm/x.c", b"+++ b/mm/x.c", b"\\ No newline at end of file", b"GIT binary patch",
          b"literal 0", b"Binary files a/x and b/x differ", b"new file mode 100644",
          b"deleted file mode 100644", b"old mode 100644", b"new mode 100755", b"rename from a",
          b"rename to /etc/passwd", b"copy from x", b"similarity index 90%", b"index 1234567..89abcde 100644",
          b"From 0123456789012345678901234567890123456789 Mon Sep 17 00:00:00 2001",
          b"From nobody Mon Jan  1 00:00:00 2001", b"Subject: [PATCH] x", b"From: a <b@c>",
          b"Content-Transfer-Encoding: base64", b"Content-Transfer-Encoding: quoted-printable",
          b"Content-Type: multipart/mixed; boundary=XX", b"--XX", b"=?utf-8?q?=C3=A9?=", b"-- ",
          b"---", b" mm/x.c | 2 +-", b"base-commit: 0123456", b"\r", b"\x00", b"\xff\xfe", b"\xe9",
          b"\t", b" ", b"+", b"-", b"\"a/x\\303\\251.c\"", b"commit 0123456789abcdef0123456789abcdef01234567"]


def corpus() -> list[bytes]:
    seeds: list[bytes] = []
    for pattern in ("patches/*", "tests/data/ingest/*", "tests/data/hostile/*.diff", "tests/cases/*/patch.diff"):
        for p in sorted(ROOT.glob(pattern)):
            if p.is_file() and p.stat().st_size < 200_000:
                seeds.append(p.read_bytes())
    return seeds or [b"--- a/x.c\n+++ b/x.c\n@@ -1,2 +1,2 @@\n a\n-b\n+c\n"]


def mutate(rng: random.Random, seeds: list[bytes]) -> bytes:
    r = rng.random()
    if r < 0.03:
        return bytes(rng.getrandbits(8) for _ in range(rng.randint(0, 300)))
    data = rng.choice(seeds)
    for _ in range(rng.randint(1, 6)):
        data = _mutate_once(rng, data, seeds)
    return data


def _mutate_once(rng: random.Random, data: bytes, seeds: list[bytes]) -> bytes:
    lines = data.split(b"\n")
    op = rng.randrange(12)
    i = rng.randrange(len(lines)) if lines else 0
    if op == 0 and data:  # flip a byte
        k = rng.randrange(len(data))
        return data[:k] + bytes([data[k] ^ (1 << rng.randrange(8))]) + data[k + 1:]
    if op == 1:  # insert a token line
        lines.insert(i, rng.choice(TOKENS))
    elif op == 2 and lines:  # delete lines
        del lines[i:i + rng.randint(1, 5)]
    elif op == 3 and lines:  # duplicate lines
        lines[i:i] = lines[i:i + rng.randint(1, 20)] * rng.randint(1, 3)
    elif op == 4 and data:  # truncate
        return data[:rng.randrange(len(data))]
    elif op == 5:  # splice two seeds
        other = rng.choice(seeds).split(b"\n")
        j = rng.randrange(len(other)) if other else 0
        lines = lines[:i] + other[j:j + rng.randint(1, 200)] + lines[i:]
    elif op == 6 and lines:  # change the numbers of a hunk header
        heads = [k for k, s in enumerate(lines) if s.startswith(b"@@")] or [i]
        k = rng.choice(heads)
        nums = [rng.choice([0, 1, 2, 3, 7, 100, 2 ** 31, rng.randint(0, 50)]) for _ in range(4)]
        lines[k] = b"@@ -%d,%d +%d,%d @@" % tuple(nums) + rng.choice([b"", b" int f(void)"])
    elif op == 7 and lines:  # damage whitespace like a web copy
        lines[i] = b" ".join(lines[i].split()) if rng.random() < 0.5 else lines[i].lstrip(b" ")
    elif op == 8 and lines:  # CRLF / trailing blanks
        lines = [s + rng.choice([b"\r", b" ", b"\t", b""]) for s in lines]
    elif op == 9 and lines:  # change a line's first character
        lines[i] = rng.choice([b"+", b"-", b" ", b"\\", b"@", b"d", b""]) + lines[i][1:]
    elif op == 10 and lines:  # insert random bytes
        k = rng.randrange(len(lines[i]) + 1)
        lines[i] = lines[i][:k] + bytes(rng.getrandbits(8) for _ in range(rng.randint(1, 8))) + lines[i][k:]
    elif op == 11 and lines:  # swap two lines
        j = rng.randrange(len(lines))
        lines[i], lines[j] = lines[j], lines[i]
    return b"\n".join(lines)


# ---------------------------------------------------------------------------
# the targets


class Slow(Exception):
    pass


def _alarm(signum, frame):  # pragma: no cover - timing
    raise Slow()


def _hunks(patch) -> list[tuple]:
    return [(f.old_path, f.new_path, f.kind,
             tuple((h.old_start, h.old_count, h.new_start, h.new_count,
                    tuple((ln.kind, ln.text, ln.no_newline) for ln in h.lines)) for h in f.hunks))
            for f in patch.files]


def run_ingest(data: bytes) -> str | None:
    """None if fine, else what went wrong (a crash raises)."""
    from backport.ingest import parse_patches
    from backport.model import diff_text
    try:
        patches = parse_patches(data, "fuzz")
    except BackportError:
        return None
    for patch in patches:
        if any(f.kind in ("binary", "mode", "rename", "copy") for f in patch.files):
            continue  # rendered without their binary data or as header-only files
        text = encode(diff_text(patch.files))
        try:
            again = parse_patches(text, "render")
        except BackportError as err:
            return f"round-trip: the rendered patch does not parse: {err}\n--- rendered ---\n{text!r}"
        diff = "a different number of patches" if len(again) != 1 else first_difference(_hunks(patch), _hunks(again[0]))
        if diff:
            return f"round-trip: render -> parse changes {diff}\n--- rendered ---\n{text!r}"
    return None


def first_difference(a: list[tuple], b: list[tuple]) -> str | None:
    """What differs first between two ``_hunks`` lists, in words (None if equal)."""
    if len(a) != len(b):
        return f"the number of files ({len(a)} -> {len(b)})"
    for fa, fb in zip(a, b):
        for what, x, y in zip(("old path", "new path", "kind"), fa[:3], fb[:3]):
            if x != y:
                return f"the {what} ({_tail(x)} -> {_tail(y)})"
        if len(fa[3]) != len(fb[3]):
            return f"the number of hunks of {fa[0]}"
        for ha, hb in zip(fa[3], fb[3]):
            if ha[:4] != hb[:4]:
                return f"hunk numbers ({ha[:4]} -> {hb[:4]})"
            if len(ha[4]) != len(hb[4]):
                return f"the number of lines of a hunk ({len(ha[4])} -> {len(hb[4])})"
            for la, lb in zip(ha[4], hb[4]):
                if la[0] != lb[0]:
                    return f"a line's kind ({la[0]!r} -> {lb[0]!r})"
                if la[1] != lb[1]:
                    return f"a line's text (ending {_tail(la[1])} -> {_tail(lb[1])})"
                if la[2] != lb[2]:
                    return "a no-newline mark"
    return None


def _tail(x) -> str:
    return repr(x[-4:] if isinstance(x, str) else x)


def make_port_case(rng: random.Random) -> dict:
    """Files of one port case: {'base': bytes, 'after': bytes, 'target': bytes, 'path': str}."""
    lines = c_file(rng)
    after = edit(rng, lines, wild=rng.random() < 0.1)
    self_port = rng.random() < 0.5
    target = lines if self_port else drift(rng, lines)
    eol = rng.random() > 0.1
    crlf = rng.random() < 0.05
    path = rng.choice(["mm/swap.c", "drivers/x/y.c", "include/linux/z.h", "kernel/a.c"])
    return {"path": path, "base": render(lines, eol, crlf), "after": render(after, eol, crlf),
            "target": render(target, eol, crlf), "self": self_port}


HEADERS = {"include/linux/mm.h": b"struct page;\n", "include/linux/extra.h": b"/* extra */\n"}


def write_trees(case: dict, where: Path) -> None:
    """base/ and target/ of a port case (with the headers its files include)."""
    for side in ("base", "target"):
        for path, text in [*HEADERS.items(), (case["path"], case[side])]:
            (where / side / path).parent.mkdir(parents=True, exist_ok=True)
            (where / side / path).write_bytes(text)


def run_port(case: dict, work: Path) -> str | None:
    from backport.ingest import parse_patches
    from backport.pipeline import port
    from backport.tree import DirTree
    diff = unified_diff(case["path"], case["base"], case["after"])
    if not diff:
        return None
    write_trees(case, work)
    scratch = work / "scratch"
    scratch.mkdir(exist_ok=True)
    try:
        patch = parse_patches(diff, "fuzz.diff")[0]
        result = port(patch, DirTree(str(work / "base")), [DirTree(str(work / "target"))], scratch=str(scratch))
    except BackportError:
        return None
    if case["self"]:
        target = result.targets[0]
        bad = [f"{h.path}#{h.index} {h.verdict.value}: {h.reason}" for h in target.hunks if h.verdict.value != "exact"]
        if bad:
            return "self-port: verdicts not exact: " + "; ".join(bad)
        regenerated = parse_patches(encode(target.diff), "out")[0]
        if _bodies(regenerated) != _bodies(patch):
            return "self-port: regenerated hunks differ from the input\n--- regenerated ---\n" + target.diff
    return None


def _bodies(patch) -> list:
    return [(f.path, [(h.old_start, h.old_count, h.new_start, h.new_count,
                       tuple((ln.kind, ln.text, ln.no_newline) for ln in h.lines)) for h in f.hunks])
            for f in patch.files]


# ---------------------------------------------------------------------------
# driver


def _save_ingest(out: Path, data: bytes, what: str, replay: str) -> Path:
    digest = hashlib.sha1(data).hexdigest()[:12]
    where = out / f"ingest-{digest}"
    where.mkdir(parents=True, exist_ok=True)
    (where / "input.patch").write_bytes(data)
    (where / "finding.txt").write_text(f"{what}\n\nreplay: {replay}\n", errors="replace")
    return where


def _save_port(out: Path, case: dict, what: str, replay: str) -> Path:
    diff = unified_diff(case["path"], case["base"], case["after"])
    digest = hashlib.sha1(diff + case["target"]).hexdigest()[:12]
    where = out / f"port-{digest}"
    write_trees(case, where)
    (where / "patch.diff").write_bytes(diff)
    cmd = f"python -m backport.cli port {where}/patch.diff --base {where}/base --to {where}/target -o OUT"
    (where / "finding.txt").write_text(f"{what}\n\nreplay: {replay}\nor: {cmd}\n", errors="replace")
    return where


# ---------------------------------------------------------------------------
# mail writer: hostile headers and bodies in, a mail git reads as meant out

_NASTY = ["\r\n", "\n", "\r", "\x00", "\x1b]52;c;eA==\x07", "\x1b[2J", "\u202e", "\x85", "\t", "  ",
          "Cc: attacker@evil.example", "Bcc: x@evil.example", "<m@evil.example>", "@", "\"", "(", ")", "\\",
          "[/x]", "[link=x]", "é", "\u4e2d", ":", ";", ","]
_BODY_NASTY = ["From mallory Sat Aug  4 19:08:24 2018", "---", "--- a/x", "diff --git a/x b/x", "Index: x",
               "From: Mallory <m@evil.example>", "Subject: other", ">From x", "-- ", "\x00", "\x1b[31m"]


def _nasty_text(rng: random.Random, words: list[str]) -> str:
    parts = [rng.choice(["mm", "fix", "Jane", "Dev", "the", "leak"]) if rng.random() < 0.6 else rng.choice(words)
             for _ in range(rng.randint(1, 6))]
    return " ".join(parts) if rng.random() < 0.5 else "".join(parts)


def _encoded(rng: random.Random, text: str) -> str:
    """``text`` as an RFC 2047 encoded word (q or b), or raw when it has no line break."""
    import base64
    import quopri
    raw = text.encode("utf-8", "surrogatepass")
    if rng.random() < 0.5:
        return "=?UTF-8?b?" + base64.b64encode(raw).decode() + "?="
    q = quopri.encodestring(raw, header=True).decode().replace("\n", "=0A").replace("?", "=3F").replace(" ", "_")
    return "=?UTF-8?q?" + q + "?="


def make_mail(rng: random.Random) -> bytes:
    """A mail with hostile Subject/From/Date values (encoded words) and a hostile body."""
    subject = _encoded(rng, "[PATCH] " + _nasty_text(rng, _NASTY))
    name = _nasty_text(rng, _NASTY)
    author = f"{_encoded(rng, name)} <jane@example.org>" if rng.random() < 0.8 else _encoded(rng, name)
    date = rng.choice(["Mon, 6 Aug 2018 10:00:00 -0700", _encoded(rng, "Mon, 6 Aug 2018\nX-Evil: 1"), "garbage"])
    body = [_nasty_text(rng, _NASTY + _BODY_NASTY).replace("\n", " ") for _ in range(rng.randint(0, 4))]
    if rng.random() < 0.5:
        body.insert(rng.randint(0, len(body)), rng.choice(_BODY_NASTY))
    text = (f"From: {author}\nDate: {date}\nSubject: {subject}\n\n" + "\n".join(body) + "\n---\n"
            "diff --git a/x.c b/x.c\n--- a/x.c\n+++ b/x.c\n@@ -1 +1 @@\n-a\n+b\n")
    return encode(text)


def run_mail(data: bytes) -> str | None:
    """Read the mail, write it as the series would, and check what git would make of it."""
    from backport.errors import BackportError
    from backport.ingest import parse_patches
    from backport.model import HunkResult, Place, PortResult, TargetResult, Verdict
    from backport.series import author_of, mail, message_hazards
    try:
        patch = parse_patches(data, "fuzz.mbox")[0]
    except BackportError:
        return None
    hunk = HunkResult("x.c", 1, Verdict.EXACT, "why", Place("x.c", None, 1, 1), Place("x.c", None, 1, 1), "r", "g")
    target = TargetResult("linux-6.1.y", None, (hunk,), "diff --git a/x.c b/x.c\n--- a/x.c\n+++ b/x.c\n"
                          "@@ -1 +1 @@\n-a\n+b\n", ())
    text = mail(PortResult(patch, "base", None, (), patch, (target,)), target, prefix="PATCH 6.1.y", signoff=None)
    head = text.split("\n\n", 1)[0].split("\n")[1:]
    names = [ln.split(":", 1)[0] for ln in head if ln[:1] not in (" ", "\t")]
    if names[:3] != ["From", "Date", "Subject"] or any(n not in _MAIL_HEADERS for n in names):
        return "mail: header lines " + repr(names) + "\n" + "\n".join(head)
    info = subprocess.run(["git", "mailinfo", "-u", "/dev/null", "/dev/null"], capture_output=True,
                          input=encode(text)).stdout.decode("utf-8", "replace")
    fields = dict(ln.split(": ", 1) for ln in info.splitlines() if ": " in ln)
    author = author_of(patch.meta.author)
    if not message_hazards(patch.meta) and fields.get("Email") != author.address:
        return f"mail: git mailinfo reads the address {fields.get('Email')!r}, the tool meant {author.address!r}"
    return None


_MAIL_HEADERS = {"From", "Date", "Subject", "MIME-Version", "Content-Type", "Content-Transfer-Encoding"}


def _kind(text: str) -> str:
    """A short signature of a finding, to count distinct ones."""
    lines = [s for s in text.strip().splitlines() if s.strip()]
    if text.startswith("Traceback") or "Error" in (lines[-1] if lines else ""):
        frames = [s.strip() for s in lines if s.strip().startswith("File ")]
        return (lines[-1].split(":")[0] + " at " + (frames[-1] if frames else "?"))[:200]
    first = re.sub(r"\S+/\S+#\d+", "FILE#N", lines[0]) if lines else "?"
    return re.sub(r" \(.*", "", re.sub(r"\d+", "N", first))[:110]


def fuzz(target: str, seconds: float, seed: int, out: Path, slow: float, quiet: bool = False) -> dict:
    seeds = corpus() if target == "ingest" else []
    deadline = time.monotonic() + seconds
    runs, findings, kinds = 0, [], Counter[str]()
    slowest: tuple[float, int | None] = (0.0, None)
    old = signal.signal(signal.SIGALRM, _alarm)
    try:
        with tempfile.TemporaryDirectory(prefix="backport-fuzz-") as tmp:
            while time.monotonic() < deadline:
                n = runs
                rng = random.Random(f"{seed}:{target}:{n}")
                replay = f"python -m tools.fuzz --target {target} --seed {seed} --replay {n}"
                case = data = None
                start = time.monotonic()
                signal.setitimer(signal.ITIMER_REAL, slow)
                what = None
                try:
                    if target == "ingest":
                        data = mutate(rng, seeds)
                        what = run_ingest(data)
                    elif target == "mail":
                        data = make_mail(rng)
                        what = run_mail(data)
                    else:
                        case = make_port_case(rng)
                        work = Path(tmp) / str(n)
                        try:
                            what = run_port(case, work)
                        finally:
                            shutil.rmtree(work, ignore_errors=True)
                except Slow:
                    what = f"slow: more than {slow:g} s"
                except Exception:  # noqa: BLE001 - every non-BackportError is a finding
                    what = traceback.format_exc()
                finally:
                    signal.setitimer(signal.ITIMER_REAL, 0)
                took = time.monotonic() - start
                if took > slowest[0]:
                    slowest = (took, n)
                runs += 1
                if what:
                    kind = _kind(what)
                    kinds[kind] += 1
                    if kinds[kind] <= 3:  # keep a few reproducers per kind
                        if target in ("ingest", "mail"):
                            where = str(_save_ingest(out, data or b"", what, replay))
                        elif case is not None:
                            where = str(_save_port(out, case, what, replay))
                        else:  # making the case failed: its replay command is the reproducer
                            where = replay
                        findings.append((n, kind, str(where)))
                        if not quiet:
                            print(f"[{target} #{n}] {kind}\n    -> {where}", flush=True)
    finally:
        signal.signal(signal.SIGALRM, old)
    return {"target": target, "runs": runs, "seconds": seconds, "findings": findings, "kinds": kinds,
            "slowest": slowest}


def replay(target: str, seed: int, n: int) -> int:
    rng = random.Random(f"{seed}:{target}:{n}")
    if target == "ingest":
        data = mutate(rng, corpus())
        sys.stdout.buffer.write(data[:4000] + b"\n")
        what = run_ingest(data)
    elif target == "mail":
        data = make_mail(rng)
        sys.stdout.buffer.write(data + b"\n")
        what = run_mail(data)
    else:
        case = make_port_case(rng)
        sys.stdout.buffer.write(unified_diff(case["path"], case["base"], case["after"]))
        with tempfile.TemporaryDirectory(prefix="backport-fuzz-") as tmp:
            what = run_port(case, Path(tmp))
    print(what or "no finding")
    return 1 if what else 0


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m tools.fuzz", description=__doc__.split("\n\n")[0])
    ap.add_argument("--seconds", type=float, default=60, help="time budget per target")
    ap.add_argument("--target", choices=("ingest", "port", "mail", "all"), default="all")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--out", default="fuzz-out", help="directory for reproducers")
    ap.add_argument("--slow", type=float, default=10.0, help="seconds after which one input is a finding")
    ap.add_argument("--replay", type=int, metavar="N", help="re-run input number N of --target/--seed")
    args = ap.parse_args(argv)
    if args.replay is not None:
        if args.target == "all":
            ap.error("--replay needs --target ingest, port or mail")
        return replay(args.target, args.seed, args.replay)
    out = Path(args.out)
    total = 0
    for target in (("ingest", "port", "mail") if args.target == "all" else (args.target,)):
        report = fuzz(target, args.seconds, args.seed, out, args.slow)
        took, which = report["slowest"]
        print(f"{target}: {report['runs']} inputs in {args.seconds:g} s (seed {args.seed}), "
              f"{sum(report['kinds'].values())} findings of {len(report['kinds'])} kinds; "
              f"slowest input #{which}: {took:.2f} s")
        for kind, count in report["kinds"].most_common():
            print(f"  {count:5d}  {kind}")
        total += sum(report["kinds"].values())
    return 1 if total else 0


if __name__ == "__main__":
    sys.exit(main())
