"""Bad input, hostile patches, and a checkout that is never touched.

Every case goes through the command line (``python -m backport.cli``)
against small trees built in ``tmp_path``.  A bad input must give exit 2 and
one line ``backport: FILE[:LINE]: message`` on standard error, no traceback
and nothing written; anything else must give a verdict (exit 0 or 1) and a
complete output directory.  Strict xfails mark what the tool still gets
wrong; each names the place to fix.

Fuzz-found reproducers live in tests/data/hostile/ (one directory per case:
patch.diff, base/, target/ when it differs from the base, and a README line).
"""
from __future__ import annotations

import hashlib
import json
import os
import random
import resource
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from conftest import git, make_repo

HOSTILE = Path(__file__).resolve().parent / "data" / "hostile"

BASE_C = """\
// SPDX-License-Identifier: GPL-2.0
#include <linux/mm.h>

static int helper(int x)
{
	int y = x + 1;

	if (y > 10)
		return 0;
	y = y * 2;
	return y;
}

int other(void)
{
	return helper(3);
}
"""

PATCH = """\
diff --git a/mm/a.c b/mm/a.c
index 88ae9e0..6326deb 100644
--- a/mm/a.c
+++ b/mm/a.c
@@ -8,6 +8,7 @@ static int helper(int x)
 	if (y > 10)
 		return 0;
 	y = y * 2;
+	y -= 1;
 	return y;
 }
 
"""  # noqa: E101, W293 - a diff of kernel code: tab-indented lines behind the one-space context mark

MAIL_HEAD = """\
From 0123456789abcdef0123456789abcdef01234567 Mon Sep 17 00:00:00 2001
From: Jane Dev <jane@example.org>
Date: Mon, 6 Aug 2018 10:00:00 -0700
Subject: [PATCH] mm: take one off

Take one off.

Signed-off-by: Jane Dev <jane@example.org>
---
 mm/a.c | 1 +
 1 file changed, 1 insertion(+)

"""


# ---------------------------------------------------------------------------
# helpers


def write_tree(root: Path, files: dict[str, str | bytes]) -> Path:
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(text if isinstance(text, bytes) else text.encode())
    root.mkdir(parents=True, exist_ok=True)
    return root


@pytest.fixture
def trees(tmp_path):
    """base/ and target/ (the target one line further down), both holding mm/a.c."""
    base = write_tree(tmp_path / "base", {"mm/a.c": BASE_C, "include/linux/mm.h": "struct page;\n"})
    target = write_tree(tmp_path / "target", {"mm/a.c": "/* moved on */\n" + BASE_C,
                                             "include/linux/mm.h": "struct page;\n"})
    return base, target


def run_cli(*args, cwd=None, timeout=120, fork=None, **kw) -> subprocess.CompletedProcess:
    """``python -m backport.cli ARGS``: a new interpreter when ``kw`` asks for process
    options (input, preexec_fn) or BACKPORT_TEST_SUBPROCESS is set, else a forked child of this
    one (same entry point, real process, exit status and file descriptors; ~0.3 s faster)."""
    args = [str(a) for a in args]
    if fork is None:
        fork = not kw and not os.environ.get("BACKPORT_TEST_SUBPROCESS")
    if fork:
        return _forked_cli(args, cwd, timeout)
    run = subprocess.run([sys.executable, "-m", "backport.cli", *args], capture_output=True,
                         cwd=cwd, timeout=timeout, **kw)
    run.stdout = run.stdout.decode("utf-8", "replace")
    run.stderr = run.stderr.decode("utf-8", "replace")
    return run


def _forked_cli(args: list[str], cwd, timeout: float) -> subprocess.CompletedProcess:
    import tempfile

    import backport.cli  # noqa: F401 - imported before the fork, once
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        pid = os.fork()
        if pid == 0:  # the child: behave like `python -m backport.cli ARGS`
            code = 1
            try:
                os.dup2(os.open(os.devnull, os.O_RDONLY), 0)
                os.dup2(out.fileno(), 1)
                os.dup2(err.fileno(), 2)
                sys.stdin = open(0, closefd=False)  # noqa: SIM115 - the child's own streams, until it exits
                sys.stdout = open(1, "w", closefd=False)  # noqa: SIM115
                sys.stderr = open(2, "w", closefd=False)  # noqa: SIM115
                sys.argv = ["backport", *args]
                if cwd:
                    os.chdir(cwd)
                code = backport.cli.main(args)
            except SystemExit as e:
                code = e.code if isinstance(e.code, int) else (0 if e.code is None else 1)
            except BaseException:  # what the interpreter prints for an uncaught exception
                import traceback
                traceback.print_exc()
                code = 1
            finally:
                try:
                    sys.stdout.flush()
                    sys.stderr.flush()
                finally:
                    os._exit(code if isinstance(code, int) else 1)
        deadline = time.monotonic() + timeout
        while True:
            done, status = os.waitpid(pid, os.WNOHANG)
            if done:
                break
            if time.monotonic() > deadline:
                os.kill(pid, signal.SIGKILL)
                os.waitpid(pid, 0)
                raise subprocess.TimeoutExpired(args, timeout)
            time.sleep(0.005)
        out.seek(0)
        err.seek(0)
        return subprocess.CompletedProcess(args, os.waitstatus_to_exitcode(status),
                                           out.read().decode("utf-8", "replace"),
                                           err.read().decode("utf-8", "replace"))


def port(tmp_path: Path, patch: str | bytes, base: Path, *targets: Path | str, extra=(), name="fix.patch",
         out: Path | None = None, **kw):
    """Run ``backport port`` on ``patch`` (text or bytes, written to tmp_path/name)."""
    path = tmp_path / name
    path.write_bytes(patch if isinstance(patch, bytes) else patch.encode())
    out = out or tmp_path / "out"
    args = ["port", path, "--base", base, "-o", out, "--no-color", *extra]
    for t in targets:
        args += ["--to", t]
    return run_cli(*args, **kw), out


def assert_one_line_error(run, out: Path, *needles: str, line: int | None = None, source: str | None = None):
    err = run.stderr
    assert run.returncode == 2, (run.returncode, err, run.stdout[-2000:])
    assert "Traceback" not in err, err
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith("backport: "), err
    for needle in needles:
        assert needle in lines[0], (needle, err)
    if source is not None:
        where = f"backport: {source}:{line}: " if line else f"backport: {source}"
        assert lines[0].startswith(where), (where, err)
    assert_nothing_written(out)


def assert_nothing_written(out: Path):
    assert not out.exists(), f"{out} was written"
    litter = [p.name for p in out.parent.iterdir() if p.name.startswith(f".{out.name}.")]
    assert not litter, f"staging left behind: {litter}"


def assert_verdict_run(run, out: Path, code: int | None = None) -> dict:
    """A run that gave verdicts: exit 0/1, no traceback, a complete OUT."""
    assert "Traceback" not in run.stderr, run.stderr
    assert run.returncode in (0, 1), (run.returncode, run.stderr)
    if code is not None:
        assert run.returncode == code, (run.returncode, run.stdout[-3000:])
    assert (out / "report.json").is_file() and (out / "report.md").is_file()
    return json.loads((out / "report.json").read_text())


def verdicts(report: dict, target: int = 0) -> list[tuple[str, str]]:
    t = report["patches"][0]["targets"][target]
    return [(f"{h['path']}#{h['index']}", h["verdict"]) for h in t["hunks"]]


def series_files(out: Path) -> list[Path]:
    return sorted(out.glob("*/0*.patch"))


def diff_part(mail: bytes) -> bytes:
    """The diff of a series mail (from 'diff --git' to the signature)."""
    start = mail.index(b"diff --git ")
    end = mail.rfind(b"\n-- \n")
    return mail[start:end + 1 if end > 0 else len(mail)]


def git_apply(diff: bytes, tree: Path, tmp_path: Path) -> Path:
    """Apply ``diff`` to a copy of ``tree`` with git apply; the copy."""
    copy = tmp_path / f"applied-{tree.name}"
    shutil.rmtree(copy, ignore_errors=True)
    shutil.copytree(tree, copy, symlinks=True)
    env = dict(os.environ, GIT_CEILING_DIRECTORIES=str(copy.parent))
    run = subprocess.run(["git", "apply", "-"], input=diff, cwd=copy, env=env, capture_output=True)
    assert run.returncode == 0, run.stderr.decode(errors="replace")
    return copy


def state(root: Path, skip: tuple[Path, ...] = ()) -> dict[str, str]:
    """Every file, symlink and directory under root with its content hash."""
    out = {}
    for dirpath, dirnames, filenames in os.walk(root):
        d = Path(dirpath)
        if any(d == s or s in d.parents for s in skip):
            dirnames[:] = []
            continue
        out[str(d.relative_to(root)) + "/"] = "dir"
        for name in filenames + [n for n in dirnames if (d / n).is_symlink()]:
            p = d / name
            if p in skip:
                continue
            if p.is_symlink():
                out[str(p.relative_to(root))] = "-> " + os.readlink(p)
            else:
                out[str(p.relative_to(root))] = hashlib.sha256(p.read_bytes()).hexdigest()
    return out


# ---------------------------------------------------------------------------
# 1. bad input: one line, exit 2, nothing written

TRUNCATED_MAIL = MAIL_HEAD + PATCH[:PATCH.index("+\ty -= 1;")]

NEXT_FILE = "diff --git a/mm/b.c b/mm/b.c\n--- a/mm/b.c\n+++ b/mm/b.c\n@@ -1 +1 @@\n-x\n+y\n"

BAD_INPUTS = [
    # name, patch bytes, words in the message, input line named (None: no line)
    ("empty", b"", ["empty file"], None),
    ("blank", b"\n  \n\t\n\r\n", ["empty file"], None),
    ("prose", b"Hi,\n\nplease apply the fix we talked about.\n\nThanks\n", ["not a patch"], None),
    ("random-bytes", bytes(random.Random(7).getrandbits(8) for _ in range(4000)), ["not a patch"], None),
    ("nul-bytes", b"\0" * 512, ["not a patch"], None),
    ("mail-headers-only", (MAIL_HEAD.split("\n\n")[0] + "\n").encode(), ["not a patch"], None),
    ("mail-cut-before-diff", (MAIL_HEAD + "diff --git a/mm/a.c b/mm/a.c\n").encode(), ["without any change"], 13),
    ("mail-cut-in-hunk", TRUNCATED_MAIL.encode(), ["truncated hunk"], 17),
    ("counts-say-more", PATCH.replace("@@ -8,6 +8,7 @@", "@@ -8,9 +8,10 @@").encode(), ["truncated hunk"], 5),
    pytest.param("counts-say-fewer", PATCH.replace("@@ -8,6 +8,7 @@", "@@ -8,2 +8,2 @@").encode(),
                 ["outside any hunk"], 8),
    pytest.param("counts-say-fewer-mid-patch", (PATCH.replace("@@ -8,6 +8,7 @@", "@@ -8,2 +8,2 @@") + NEXT_FILE)
                 .encode(), ["outside any hunk"], 8),
    pytest.param("context-only-hunk", PATCH.replace("@@ -8,6 +8,7 @@", "@@ -8,3 +8,3 @@").replace(
        "+\ty -= 1;\n \treturn y;\n }\n \n", "").encode(), ["no change"], 5),
    ("huge-numbers", PATCH.replace("@@ -8,6 +8,7 @@", "@@ -8,6 +99999999999999999999,7 @@").encode(),
     ["too large"], 5),
    ("empty-hunk", PATCH.replace("@@ -8,6 +8,7 @@", "@@ -8,0 +8,0 @@").encode(), ["empty hunk"], 5),
    ("hunk-without-file", b"@@ -1,2 +1,2 @@\n a\n-b\n+c\n", ["not a patch"], None),
    ("hunk-after-mode-change", b"diff --git a/x.sh b/x.sh\nold mode 100644\nnew mode 100755\n@@ -1,2 +1,2 @@\n a\n-b\n+c\n",
     ["outside a file"], 4),
    ("header-without-hunks", b"diff --git a/mm/a.c b/mm/a.c\n--- a/mm/a.c\n+++ b/mm/a.c\n", ["without hunks"], 2),
    ("both-dev-null", b"--- /dev/null\n+++ /dev/null\n@@ -0,0 +1 @@\n+x\n", ["/dev/null"], 1),
    ("misplaced-no-newline", PATCH.replace(" \tif (y > 10)\n", "\\ No newline at end of file\n \tif (y > 10)\n",
                                           1).encode(), ["No newline"], 6),
    ("dotdot-path", PATCH.replace("mm/a.c", "mm/../../etc/a.c").encode(), ["climbs out"], 1),
    ("absolute-path", PATCH.replace("--- a/mm/a.c", "--- /etc/passwd").encode(), ["climbs out"], 3),
    ("rename-out", (b"diff --git a/mm/a.c b/mm/b.c\nsimilarity index 100%\nrename from mm/a.c\n"
                    b"rename to ../../b.c\n"), ["climbs out"], 4),
    ("plain-diff-dotdot", PATCH.replace("diff --git a/mm/a.c b/mm/a.c\nindex 88ae9e0..6326deb 100644\n", "")
     .replace("a/mm/a.c", "../mm/a.c").encode(), ["climbs out"], 1),
    ("not-in-base", PATCH.replace("mm/a.c", "mm/nothere.c").encode(), ["mm/nothere.c does not exist in base"], 1),
    ("not-matching-base", PATCH.replace("y = y * 2;", "y = y * 3;").encode(), ["does not match base"], 5),
    ("utf8-patch-latin1-base", PATCH.replace("int y = x + 1;", "int y = x + 1; /* J\u00f6rg */")
     .replace("@@ -8,6", "@@ -6,8").replace("+8,7 @@", "+6,9 @@").replace(
         " \tif (y > 10)\n", " \tint y = x + 1; /* J\u00f6rg */\n \n \tif (y > 10)\n", 1).encode(),
     ["does not match base"], 5),
]


@pytest.mark.parametrize("name, data, needles, line", BAD_INPUTS,
                         ids=[b.values[0] if hasattr(b, "values") else b[0] for b in BAD_INPUTS])
def test_bad_input_is_one_line_error(tmp_path, trees, name, data, needles, line):
    base, target = trees
    if name == "utf8-patch-latin1-base":
        (base / "mm/a.c").write_bytes(BASE_C.replace("int y = x + 1;", "int y = x + 1; /* J\xf6rg */")
                                      .encode("latin-1"))
    run, out = port(tmp_path, data, base, target)
    assert_one_line_error(run, out, *needles, line=line, source=str(tmp_path / "fix.patch"))


def test_bad_input_on_stdin_names_stdin(tmp_path, trees):
    base, target = trees
    out = tmp_path / "out"
    run = run_cli("port", "-", "--base", base, "--to", target, "-o", out, input=b"nothing to see\n")
    assert_one_line_error(run, out, "not a patch", source="<stdin>")


def test_patch_that_is_a_directory_or_missing(tmp_path, trees):
    base, target = trees
    out = tmp_path / "out"
    for patch, words in ((tmp_path, "cannot read patch"), (tmp_path / "nope.patch", "cannot read patch")):
        run = run_cli("port", patch, "--base", base, "--to", target, "-o", out)
        assert_one_line_error(run, out, words, source=str(patch))


# ---------------------------------------------------------------------------
# 1. file kinds: a clean verdict, never a traceback, never a silent drop

NEW_FILE = """\
diff --git a/mm/new.c b/mm/new.c
new file mode 100644
index 0000000..3e75765
--- /dev/null
+++ b/mm/new.c
@@ -0,0 +1,2 @@
+int x;
+int y;
"""

DELETED_FILE = """\
diff --git a/mm/gone.c b/mm/gone.c
deleted file mode 100644
index 3e75765..0000000
--- a/mm/gone.c
+++ /dev/null
@@ -1,2 +0,0 @@
-int x;
-int y;
"""

RENAMED_EDITED = PATCH.replace("diff --git a/mm/a.c b/mm/a.c\nindex 88ae9e0..6326deb 100644\n--- a/mm/a.c\n+++ b/mm/a.c",
                               "diff --git a/mm/a.c b/mm/c.c\nsimilarity index 90%\nrename from mm/a.c\n"
                               "rename to mm/c.c\nindex 88ae9e0..6326deb 100644\n--- a/mm/a.c\n+++ b/mm/c.c")

BINARY = """\
diff --git a/mm/fw.bin b/mm/fw.bin
index 6772730..4e0e1df 100644
GIT binary patch
literal 7
OcmZQzWKPP=GXeku?E!EA

literal 6
NcmZQzWJ=1+0{{Yf0X+Z!

"""
BINARY_FILES_DIFFER = "diff --git a/mm/fw.bin b/mm/fw.bin\nindex 6772730..4e0e1df 100644\nBinary files a/mm/fw.bin and b/mm/fw.bin differ\n"
MODE_ONLY = "diff --git a/mm/run.sh b/mm/run.sh\nold mode 100644\nnew mode 100755\n"
PURE_RENAME = "diff --git a/mm/a.c b/mm/c.c\nsimilarity index 100%\nrename from mm/a.c\nrename to mm/c.c\n"
PURE_COPY = PURE_RENAME.replace("rename", "copy")

FILE_KINDS = [
    # name, patch, (path, verdict) pairs the report must hold (the whole-file change is a conflict)
    ("new-file", NEW_FILE, [("mm/new.c", "conflict")]),
    ("new-file-and-edit", NEW_FILE + PATCH, [("mm/new.c", "conflict"), ("mm/a.c", "offset")]),
    ("deleted-file", DELETED_FILE, [("mm/gone.c", "conflict")]),
    ("renamed-and-edited", RENAMED_EDITED, [("mm/a.c", "conflict")]),
    ("copied-and-edited", RENAMED_EDITED.replace("rename", "copy"), [("mm/a.c", "conflict")]),
]


@pytest.mark.parametrize("name, patch, expect", FILE_KINDS, ids=[k[0] for k in FILE_KINDS])
def test_whole_file_changes_are_conflicts(tmp_path, trees, name, patch, expect):
    base, target = trees
    (base / "mm/gone.c").write_text("int x;\nint y;\n")
    run, out = port(tmp_path, patch, base, target)
    report = assert_verdict_run(run, out, code=1)
    got = {(key.rsplit("#", 1)[0], v) for key, v in verdicts(report)}
    assert set(expect) <= got, verdicts(report)


HUNKLESS = [
    ("binary", BINARY, "mm/fw.bin"),
    ("binary-files-differ", BINARY_FILES_DIFFER, "mm/fw.bin"),
    ("binary-and-edit", BINARY + PATCH, "mm/fw.bin"),
    ("mode-only", MODE_ONLY, "mm/run.sh"),
    ("mode-and-edit", MODE_ONLY + PATCH, "mm/run.sh"),
    ("pure-rename", PURE_RENAME, "mm/c.c"),
    ("pure-copy", PURE_COPY, "mm/c.c"),
]


@pytest.mark.parametrize("name, patch, path", HUNKLESS, ids=[k[0] for k in HUNKLESS])
def test_hunkless_file_changes_are_not_dropped(tmp_path, trees, name, patch, path):
    base, target = trees
    run, out = port(tmp_path, patch, base, target)
    report = assert_verdict_run(run, out)
    named = json.dumps(report["patches"][0]["targets"][0])
    assert path in named, f"{path} is in the patch but not in the report"
    assert run.returncode == 1, "a change the tool did not port needs a human"


# ---------------------------------------------------------------------------
# 1. CRLF, Latin-1, no newline at end of file


def test_crlf_patch_on_lf_tree_is_exact(tmp_path, trees):
    base, target = trees
    lf, out_lf = port(tmp_path, PATCH, base, base, out=tmp_path / "lf")
    crlf, out_crlf = port(tmp_path, (MAIL_HEAD + PATCH).replace("\n", "\r\n"), base, base,
                          out=tmp_path / "crlf", name="crlf.patch")
    assert verdicts(assert_verdict_run(crlf, out_crlf, code=0)) == [("mm/a.c#1", "exact")]
    assert_verdict_run(lf, out_lf, code=0)
    a, b = series_files(out_lf), series_files(out_crlf)
    assert len(a) == len(b) == 1
    assert diff_part(a[0].read_bytes()) == diff_part(b[0].read_bytes())
    assert b"\r" not in b[0].read_bytes()


def test_crlf_source_file_keeps_its_line_ends(tmp_path):
    src = BASE_C.replace("\n", "\r\n").encode()
    base = write_tree(tmp_path / "base", {"mm/a.c": src})
    head, at, body = PATCH.partition("@@ static int helper(int x)\n")
    patch = head + at + body.replace("\n", "\r\n")  # what git diff prints for a CRLF file
    assert patch.count("\r\n") == 7
    run, out = port(tmp_path, patch.encode(), base, base)
    assert verdicts(assert_verdict_run(run, out, code=0)) == [("mm/a.c#1", "exact")]
    applied = git_apply(diff_part(series_files(out)[0].read_bytes()), base, tmp_path)
    assert (applied / "mm/a.c").read_bytes() == src.replace(b"\ty = y * 2;\r\n", b"\ty = y * 2;\r\n\ty -= 1;\r\n")


LATIN1_BASE = ("// SPDX-License-Identifier: GPL-2.0\n/*\n * Copyright (C) 2001 J\xf6rg M\xfcller\n */\n"
               "#include <linux/mm.h>\n\nstatic const char *name = \"caf\xe9\";\n\n"
               "int probe(int x)\n{\n\tint r = 0;\n\n\tif (x)\n\t\tr = 1;\n\treturn r;\n}\n").encode("latin-1")
LATIN1_PATCH = (b"diff --git a/drivers/l.c b/drivers/l.c\n--- a/drivers/l.c\n+++ b/drivers/l.c\n"
                b"@@ -11,6 +11,6 @@ int probe(int x)\n \tint r = 0;\n \n \tif (x)\n-\t\tr = 1;\n"
                b"+\t\tr = 1; /* \xe9t\xe9 */\n \treturn r;\n }\n")


def test_latin1_in_tree_outside_the_hunks(tmp_path):
    base = write_tree(tmp_path / "base", {"drivers/l.c": LATIN1_BASE})
    target = write_tree(tmp_path / "target", {"drivers/l.c": b"/* \xa9 */\n" + LATIN1_BASE})
    patch = LATIN1_PATCH.replace(b" /* \xe9t\xe9 */", b" /* ok */")
    run, out = port(tmp_path, patch, base, target)
    assert verdicts(assert_verdict_run(run, out, code=0)) == [("drivers/l.c#1", "offset")]
    applied = git_apply(diff_part(series_files(out)[0].read_bytes()), target, tmp_path)
    assert b"\xa9" in (applied / "drivers/l.c").read_bytes()


def test_latin1_in_patch_and_trees(tmp_path):
    base = write_tree(tmp_path / "base", {"drivers/l.c": LATIN1_BASE})
    target = write_tree(tmp_path / "target", {"drivers/l.c": b"/* \xe0 */\n" + LATIN1_BASE})
    run, out = port(tmp_path, LATIN1_PATCH, base, target, extra=["--report", tmp_path / "r.md"])
    assert verdicts(assert_verdict_run(run, out, code=0)) == [("drivers/l.c#1", "offset")]
    mail = series_files(out)[0].read_bytes()
    assert b"+\t\tr = 1; /* \xe9t\xe9 */\n" in mail  # the bytes as they were
    applied = git_apply(diff_part(mail), target, tmp_path)
    assert (applied / "drivers/l.c").read_bytes() == b"/* \xe0 */\n" + LATIN1_BASE.replace(
        b"\t\tr = 1;\n", b"\t\tr = 1; /* \xe9t\xe9 */\n")


def test_latin1_mail_headers(tmp_path, trees):
    base, target = trees
    mail = (MAIL_HEAD.replace("Jane Dev", "J\xf6rg M\xfcller").replace(
        "Subject: [PATCH] mm: take one off", "MIME-Version: 1.0\nContent-Type: text/plain; charset=iso-8859-1\n"
        "Content-Transfer-Encoding: 8bit\nSubject: [PATCH] mm: take one off for J\xf6rg") + PATCH).encode("latin-1")
    run, out = port(tmp_path, mail, base, target)
    report = assert_verdict_run(run, out, code=0)
    assert "J\u00f6rg M\u00fcller" in report["patches"][0]["author"]
    assert "J\u00f6rg" in series_files(out)[0].read_bytes().decode("utf-8")


NOEOL_BASE = "=====\nSwap\n=====\n\nSwap is good.\nIt uses disks.\nThe end."


def _noeol_patch(old_eol: bool, new_eol: bool, old_last="The end.", new_last="The end.") -> str:
    mark = "\\ No newline at end of file\n"
    return ("diff --git a/Documentation/swap.rst b/Documentation/swap.rst\n"
            "--- a/Documentation/swap.rst\n+++ b/Documentation/swap.rst\n"
            "@@ -5,3 +5,3 @@ Swap\n Swap is good.\n It uses disks.\n"
            f"-{old_last}\n{'' if old_eol else mark}+{new_last}\n{'' if new_eol else mark}")


def _port_noeol(tmp_path, patch: str, old_eol: bool):
    text = NOEOL_BASE + ("\n" if old_eol else "")
    base = write_tree(tmp_path / "base", {"Documentation/swap.rst": text})
    target = write_tree(tmp_path / "target", {"Documentation/swap.rst": "Intro\n" + text})
    run, out = port(tmp_path, patch, base, target)
    return run, out, target


def test_no_newline_in_context_only(tmp_path):
    patch = ("diff --git a/Documentation/swap.rst b/Documentation/swap.rst\n--- a/Documentation/swap.rst\n"
             "+++ b/Documentation/swap.rst\n@@ -5,3 +5,3 @@ Swap\n-Swap is good.\n+Swap is fine.\n"
             " It uses disks.\n The end.\n\\ No newline at end of file\n")
    run, out, target = _port_noeol(tmp_path, patch, old_eol=False)
    assert verdicts(assert_verdict_run(run, out, code=0)) == [("Documentation/swap.rst#1", "offset")]
    applied = git_apply(diff_part(series_files(out)[0].read_bytes()), target, tmp_path)
    assert (applied / "Documentation/swap.rst").read_text() == "Intro\n" + NOEOL_BASE.replace("good", "fine")


def test_no_newline_on_both_sides_is_kept(tmp_path):
    run, out, target = _port_noeol(tmp_path, _noeol_patch(False, False, new_last="The very end."), old_eol=False)
    assert verdicts(assert_verdict_run(run, out, code=0)) == [("Documentation/swap.rst#1", "offset")]
    applied = git_apply(diff_part(series_files(out)[0].read_bytes()), target, tmp_path)
    assert (applied / "Documentation/swap.rst").read_text() == "Intro\n" + NOEOL_BASE.replace("The end", "The very end")


@pytest.mark.parametrize("old_eol, new_eol", [(False, True), (True, False)], ids=["adds-newline", "drops-newline"])
def test_newline_only_change_at_end_of_file(tmp_path, old_eol, new_eol):
    run, out, target = _port_noeol(tmp_path, _noeol_patch(old_eol, new_eol), old_eol=old_eol)
    assert verdicts(assert_verdict_run(run, out, code=0)) == [("Documentation/swap.rst#1", "offset")]
    applied = git_apply(diff_part(series_files(out)[0].read_bytes()), target, tmp_path)
    assert (applied / "Documentation/swap.rst").read_text() == "Intro\n" + NOEOL_BASE + ("\n" if new_eol else "")


def test_internal_crash_leaves_no_output(tmp_path, monkeypatch, trees):
    """A failure in the middle of a run (here: a port that raises) leaves no OUT and no staging."""
    from backport import cli
    base, target = trees
    (tmp_path / "fix.patch").write_text(PATCH)
    out = tmp_path / "out"
    calls = []

    def boom(*a, **k):
        calls.append(1)
        raise RuntimeError("a target that raises")

    monkeypatch.setattr("backport.workflow.port", boom)  # bound at import there: patched first
    monkeypatch.setattr("backport.pipeline.port", boom)
    rc = cli.main(["port", str(tmp_path / "fix.patch"), "--base", str(base), "--to", str(target), "-o", str(out)])
    assert rc == 2 and calls  # one line "backport: internal error: ...", no traceback (test_hostile_paths.py)
    assert_nothing_written(out)


def test_json_to_a_closed_pipe_writes_nothing_and_exits_like_git(tmp_path, trees):
    """``--json - | head`` whose reader already left: exit 128+SIGPIPE, one line, no OUT."""
    base, target = trees
    (tmp_path / "fix.patch").write_text(PATCH)
    out = tmp_path / "out"
    reader, writer = os.pipe()
    os.close(reader)  # the reader left before the run wrote a byte
    try:
        run = subprocess.run([sys.executable, "-m", "backport.cli", "port", str(tmp_path / "fix.patch"),
                              "--base", str(base), "--to", str(target), "-o", str(out), "--json", "-"],
                             stdout=writer, stderr=subprocess.PIPE, timeout=120)
    finally:
        os.close(writer)
    err = run.stderr.decode()
    assert run.returncode == 128 + signal.SIGPIPE, (run.returncode, err)
    assert err.splitlines() == ["backport: standard output was closed before the JSON report was "
                                "written; nothing written"], err
    assert_nothing_written(out)


def test_interrupt_while_the_console_script_imports_is_one_line():
    """^C between the console script's first import (the package) and main(): the imports of
    backport.cli take a while, and a traceback from the middle of one is what a user saw."""
    script = ("import sys; sys.argv[0] = '/usr/local/bin/backport'; import backport, os, signal; "
              "os.kill(os.getpid(), signal.SIGINT); import time; time.sleep(30)")
    run = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60)
    assert run.returncode == 128 + signal.SIGINT, (run.returncode, run.stderr)
    assert run.stderr == "backport: interrupted\n", run.stderr


def test_interrupt_leaves_no_output(tmp_path, monkeypatch, trees, capsys):
    from backport import cli
    base, target = trees
    (tmp_path / "fix.patch").write_text(PATCH)
    out = tmp_path / "out"
    shutil.copytree(target, out)  # an existing OUT that --force would replace: it must survive
    (out / "report.json").write_text(json.dumps({"schema": 1, "tool": "backport 0.1.0", "patches": []}))
    before = state(out)

    def interrupt(*a, **k):
        raise KeyboardInterrupt

    monkeypatch.setattr("backport.workflow.port", interrupt)  # bound at import there: patched first
    monkeypatch.setattr("backport.pipeline.port", interrupt)
    rc = cli.main(["port", str(tmp_path / "fix.patch"), "--base", str(base), "--to", str(target), "-o", str(out),
                   "--force"])
    assert rc == 130 and "interrupted" in capsys.readouterr().err
    assert state(out) == before
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".out.")]


# ---------------------------------------------------------------------------
# 1. non-C files are ported by text

KCONFIG = "config SWAP\n\tbool \"Support for paging\"\n\tdepends on MMU\n\thelp\n\t  Swap.\n\nconfig ZSWAP\n\tbool \"zswap\"\n\tdepends on SWAP\n"
MAKEFILE = "obj-y := a.o b.o\nobj-$(CONFIG_SWAP) += swap.o\nobj-$(CONFIG_ZSWAP) += zswap.o\n"
DOC = "====\nSwap\n====\n\nSwap is good.\nIt uses disks.\n"
NON_C_PATCH = """\
diff --git a/mm/Kconfig b/mm/Kconfig
--- a/mm/Kconfig
+++ b/mm/Kconfig
@@ -7,3 +7,4 @@ config SWAP
 config ZSWAP
 	bool "zswap"
 	depends on SWAP
+	select CRYPTO
diff --git a/mm/Makefile b/mm/Makefile
--- a/mm/Makefile
+++ b/mm/Makefile
@@ -1,3 +1,4 @@
 obj-y := a.o b.o
 obj-$(CONFIG_SWAP) += swap.o
 obj-$(CONFIG_ZSWAP) += zswap.o
+obj-y += new.o
diff --git a/Documentation/mm/swap.rst b/Documentation/mm/swap.rst
--- a/Documentation/mm/swap.rst
+++ b/Documentation/mm/swap.rst
@@ -3,4 +3,4 @@ Swap
 ====
 
 Swap is good.
-It uses disks.
+It uses disks and zswap.
"""  # noqa: E101, W293 - a diff: tab-indented lines behind the one-space context mark


def test_non_c_files_are_ported_by_text(tmp_path):
    files = {"mm/Kconfig": KCONFIG, "mm/Makefile": MAKEFILE, "Documentation/mm/swap.rst": DOC}
    base = write_tree(tmp_path / "base", files)
    target = write_tree(tmp_path / "target", {p: "# SPDX-License-Identifier: GPL-2.0\n\n" + t for p, t in files.items()})
    run, out = port(tmp_path, NON_C_PATCH, base, target)
    report = assert_verdict_run(run, out, code=0)
    assert verdicts(report) == [("mm/Kconfig#1", "offset"), ("mm/Makefile#1", "offset"),
                                ("Documentation/mm/swap.rst#1", "offset")]
    applied = git_apply(diff_part(series_files(out)[0].read_bytes()), target, tmp_path)
    assert (applied / "mm/Kconfig").read_text().endswith("depends on SWAP\n\tselect CRYPTO\n")
    assert (applied / "mm/Makefile").read_text().endswith("zswap.o\nobj-y += new.o\n")
    assert (applied / "Documentation/mm/swap.rst").read_text().endswith("It uses disks and zswap.\n")


# ---------------------------------------------------------------------------
# 1./4. big and pathological input: bounded work, a clear verdict


def many_functions(n: int) -> str:
    return "".join(f"int f{i}(int x)\n{{\n\tint v = x + {i};\n\n\treturn v;\n}}\n\n" for i in range(n))


def many_hunks_patch(n: int, path: str = "mm/many.c") -> str:
    """One hunk per function of many_functions(n): add 'v++;' before each return."""
    out = [f"diff --git a/{path} b/{path}\n--- a/{path}\n+++ b/{path}\n"]
    for i in range(n):
        old = 7 * i + 2
        out.append(f"@@ -{old},5 +{old + i},6 @@ int f{i}(int x)\n {{\n \tint v = x + {i};\n \n+\tv++;\n"
                   " \treturn v;\n }\n")
    return "".join(out)


def test_ten_thousand_hunks_are_read_in_bounded_time():
    from backport.ingest import parse_patches
    data = many_hunks_patch(10_000).encode()
    start = time.monotonic()
    patches = parse_patches(data, "many.patch")
    took = time.monotonic() - start
    assert patches[0].hunk_count == 10_000
    assert took < 60, f"ingest of 10,000 hunks took {took:.1f} s"


def test_ten_thousand_hunks_through_the_cli(tmp_path):
    base = write_tree(tmp_path / "base", {"mm/many.c": many_functions(10_000)})
    target = write_tree(tmp_path / "target", {"mm/many.c": "/* t */\n" + many_functions(10_000)})
    start = time.monotonic()
    run, out = port(tmp_path, many_hunks_patch(10_000), base, target, timeout=3600)
    took = time.monotonic() - start
    report = assert_verdict_run(run, out, code=0)
    assert {v for _, v in verdicts(report)} == {"offset"}
    assert took < 60, f"10,000 hunks took {took:.0f} s"


def _port_seconds(n: int, tmp_path: Path) -> float:
    from backport.ingest import parse_patches
    from backport.pipeline import port as port_api
    from backport.tree import DirTree
    base = write_tree(tmp_path / f"b{n}", {"mm/many.c": many_functions(n)})
    target = write_tree(tmp_path / f"t{n}", {"mm/many.c": "/* t */\n" + many_functions(n)})
    patch = parse_patches(many_hunks_patch(n).encode(), "many.patch")[0]
    start = time.process_time()
    result = port_api(patch, DirTree(str(base)), [DirTree(str(target))])
    took = time.process_time() - start
    assert {h.verdict.value for h in result.targets[0].hunks} == {"offset"}
    return took


def test_work_grows_linearly_with_hunks(tmp_path):
    small = _port_seconds(100, tmp_path)
    big = _port_seconds(400, tmp_path)
    assert big < 7 * small, f"100 hunks {small:.2f} s, 400 hunks {big:.2f} s ({big / small:.1f}x)"


def test_long_function_is_bounded(tmp_path):
    n = 20_000
    body = "".join(f"\tv = v * 3 + {i};\n" for i in range(n))
    src = f"int big(int v)\n{{\n{body}\treturn v;\n}}\n"
    k = n // 2
    patch = (f"diff --git a/mm/big.c b/mm/big.c\n--- a/mm/big.c\n+++ b/mm/big.c\n"
             f"@@ -{k},6 +{k},7 @@ int big(int v)\n" + "".join(f" \tv = v * 3 + {i};\n" for i in range(k - 2, k + 1))
             + "+\tv ^= 1;\n" + "".join(f" \tv = v * 3 + {i};\n" for i in range(k + 1, k + 4)))
    base = write_tree(tmp_path / "base", {"mm/big.c": src})
    target = write_tree(tmp_path / "target", {"mm/big.c": "/* t */\n" + src.replace("v * 3 + 7;", "v * 5 + 7;")})
    start = time.monotonic()
    run, out = port(tmp_path, patch, base, target)
    took = time.monotonic() - start
    assert verdicts(assert_verdict_run(run, out, code=0)) == [("mm/big.c#1", "offset")]
    assert took < 60, f"a 20,000-line function took {took:.1f} s"


def test_identical_context_lines_are_bounded(tmp_path):
    """Thousands of identical lines: the hunk is placed where the base had it, in bounded time
    (3,000 lines here; 20,000 take ~35 s today: align's SequenceMatcher is quadratic on them)."""
    n = 3_000
    src = "int same(int v)\n{\n" + "\tv++;\n" * n + "\treturn v;\n}\n"
    k = n // 2
    patch = (f"diff --git a/mm/same.c b/mm/same.c\n--- a/mm/same.c\n+++ b/mm/same.c\n"
             f"@@ -{k},6 +{k},7 @@ int same(int v)\n" + " \tv++;\n" * 3 + "+\tv--;\n" + " \tv++;\n" * 3)
    base = write_tree(tmp_path / "base", {"mm/same.c": src})
    target = write_tree(tmp_path / "target", {"mm/same.c": "/* t */\n" + src})
    start = time.monotonic()
    run, out = port(tmp_path, patch, base, target)
    took = time.monotonic() - start
    assert verdicts(assert_verdict_run(run, out, code=0)) == [("mm/same.c#1", "offset")]
    applied = git_apply(diff_part(series_files(out)[0].read_bytes()), target, tmp_path)
    lines = (applied / "mm/same.c").read_text().splitlines()
    assert lines.index("\tv--;") == k + 3  # after k+1 v++ lines of the base: one line further down
    assert took < 60, f"{n} identical context lines took {took:.1f} s"


def test_deep_nesting_and_long_lines(tmp_path):
    depth, width = 500, 5_000
    src = ("int f(int v)\n{\n" + "\tif (v) {\n" * depth + "\tv++;\n" + "\t}\n" * depth
           + "\tv = " + " + ".join(["v"] * width) + ";\n\treturn v;\n}\n")
    lines = src.split("\n")
    at = lines.index("\tv++;")
    patch = ("diff --git a/mm/deep.c b/mm/deep.c\n--- a/mm/deep.c\n+++ b/mm/deep.c\n"
             f"@@ -{at},3 +{at},4 @@\n \t{lines[at - 1][1:]}\n \tv++;\n+\tv--;\n \t}}\n")
    base = write_tree(tmp_path / "base", {"mm/deep.c": src})
    run, out = port(tmp_path, patch, base, base)
    assert verdicts(assert_verdict_run(run, out, code=0)) == [("mm/deep.c#1", "exact")]


# ---------------------------------------------------------------------------
# 2. paths: nothing read outside the trees, nothing written outside -o


def test_symlink_out_of_the_base_tree_is_refused(tmp_path, trees):
    base, target = trees
    secret = write_tree(tmp_path / "elsewhere", {"a.c": BASE_C})
    (base / "mm/a.c").unlink()
    (base / "mm/a.c").symlink_to(secret / "a.c")
    run, out = port(tmp_path, PATCH, base, target)
    assert_one_line_error(run, out, "mm/a.c does not exist in base", line=1)


@pytest.mark.parametrize("how", ["file", "directory"])
def test_symlink_out_of_the_target_tree_is_not_read(tmp_path, trees, how):
    base, target = trees
    secret = write_tree(tmp_path / "elsewhere", {"mm/a.c": BASE_C.replace("return y;", "return y; /* SECRET */")})
    if how == "file":
        (target / "mm/a.c").unlink()
        (target / "mm/a.c").symlink_to(secret / "mm/a.c")
    else:
        shutil.rmtree(target / "mm")
        (target / "mm").symlink_to(secret / "mm")
    run, out = port(tmp_path, PATCH, base, target)
    report = assert_verdict_run(run, out, code=1)
    assert verdicts(report) == [("mm/a.c#1", "missing")]
    assert "SECRET" not in run.stdout and not any("SECRET" in p.read_text() for p in out.rglob("*") if p.is_file())


def test_symlink_inside_the_tree_is_followed(tmp_path, trees):
    base, target = trees
    (target / "real").mkdir()
    (target / "mm/a.c").rename(target / "real/a.c")
    (target / "mm/a.c").symlink_to("../real/a.c")
    run, out = port(tmp_path, PATCH, base, target)
    assert verdicts(assert_verdict_run(run, out, code=0)) == [("mm/a.c#1", "offset")]


def test_output_only_under_o_and_the_named_reports(tmp_path, trees):
    base, target = trees
    (tmp_path / "fix.patch").write_text(MAIL_HEAD + PATCH)
    before = state(tmp_path)
    out, js, md = tmp_path / "out", tmp_path / "r.json", tmp_path / "r.md"
    run = run_cli("port", tmp_path / "fix.patch", "--base", base, "--to", target, "--to", base, "-o", out,
                  "--json", js, "--report", md, cwd=tmp_path)
    assert_verdict_run(run, out, code=0)
    after = state(tmp_path, skip=(out, js, md))
    assert after == before
    assert js.is_file() and md.is_file()


def test_existing_output_is_kept_without_force_and_replaced_with_it(tmp_path, trees):
    base, target = trees
    out = tmp_path / "out"
    write_tree(out, {"precious.txt": "mine\n"})
    before = state(out)
    run, _ = port(tmp_path, PATCH, base, target)
    assert run.returncode == 2 and "use --force" in run.stderr and "Traceback" not in run.stderr
    assert len(run.stderr.strip().splitlines()) == 1
    assert state(out) == before
    run, _ = port(tmp_path, PATCH, base, target, extra=["--force"])  # not a backport output: refused
    assert run.returncode == 2 and "--force replaces only" in run.stderr and state(out) == before
    shutil.rmtree(out)
    assert_verdict_run(port(tmp_path, PATCH, base, target)[0], out, code=0)
    (out / "precious.txt").write_text("mine\n")
    run, _ = port(tmp_path, PATCH, base, target, extra=["--force"])
    assert_verdict_run(run, out, code=0)
    assert not (out / "precious.txt").exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["base", "fix.patch", "out", "target"]


@pytest.mark.parametrize("kind", ["file", "symlink"])
def test_force_over_a_file_or_symlink_leaves_nothing_behind(tmp_path, trees, kind):
    base, target = trees
    out = tmp_path / "out"
    elsewhere = write_tree(tmp_path / "elsewhere", {"keep.txt": "keep\n"})
    if kind == "file":
        out.write_text("a file\n")
    else:
        out.symlink_to(elsewhere)
    before = state(tmp_path, skip=(tmp_path / "fix.patch",))
    run, _ = port(tmp_path, PATCH, base, target, extra=["--force"])  # neither is a backport output: refused
    assert run.returncode == 2 and "--force replaces only" in run.stderr and "Traceback" not in run.stderr
    assert state(tmp_path, skip=(tmp_path / "fix.patch",)) == before
    assert (elsewhere / "keep.txt").read_text() == "keep\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["base", "elsewhere", "fix.patch", "out", "target"]


def _small_files():
    def limit():
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (700, 700))
    return limit


def test_write_failure_mid_run_leaves_no_half_written_output(tmp_path, trees):
    """Files over 700 bytes fail to write (EFBIG): the run stops in the middle of writing OUT."""
    base, target = trees
    run, out = port(tmp_path, MAIL_HEAD + PATCH, base, target, preexec_fn=_small_files())
    assert run.returncode != 0
    assert_nothing_written(out)
    write_tree(out, {"old.txt": "previous run\n"})
    before = state(out)
    run, _ = port(tmp_path, MAIL_HEAD + PATCH, base, target, extra=["--force"], preexec_fn=_small_files())
    assert run.returncode != 0
    assert state(out) == before, "a failed --force run must leave the previous OUT as it was"
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".out.")]


def test_write_failure_is_one_line_error(tmp_path, trees):
    base, target = trees
    run, out = port(tmp_path, MAIL_HEAD + PATCH, base, target, preexec_fn=_small_files())
    assert_one_line_error(run, out, "cannot write")


def test_targets_with_the_same_name_keep_both_series(tmp_path, trees):
    base, target = trees
    one = shutil.copytree(target, tmp_path / "one" / "linux")
    two = write_tree(tmp_path / "two" / "linux", {"mm/a.c": "/* a */\n/* b */\n" + BASE_C})
    run, out = port(tmp_path, PATCH, base, one, two)
    report = assert_verdict_run(run, out, code=0)
    files = [t["patch_file"] for t in report["patches"][0]["targets"]]
    assert len(set(files)) == 2, files
    assert len(series_files(out)) == 2


@pytest.mark.parametrize("name", ["report.md", "report.json", ".scratch"])
def test_target_named_like_an_output_file(tmp_path, trees, name):
    base, target = trees
    odd = shutil.copytree(target, tmp_path / name)
    run, out = port(tmp_path, PATCH, base, odd)
    report = assert_verdict_run(run, out, code=0)
    assert Path(report["patches"][0]["targets"][0]["patch_file"]).is_file()


# ---------------------------------------------------------------------------
# batch: hostile jobs files


def _batch(tmp_path: Path, jobs: list, name="jobs.jsonl"):
    path = tmp_path / name
    path.write_text("".join((j if isinstance(j, str) else json.dumps(j)) + "\n" for j in jobs))
    out = tmp_path / "bout"
    return run_cli("batch", path, "-o", out), out


@pytest.mark.parametrize("job, words", [
    ("{not json", "not a JSON job"),
    ('["a", "list"]', "a job needs"),
    ({"id": "a", "to": ["x"]}, "a job needs"),
])
def test_bad_jobs_file_is_one_line_error(tmp_path, job, words):
    run, out = _batch(tmp_path, [job])
    assert_one_line_error(run, out, words, line=1, source=str(tmp_path / "jobs.jsonl"))


@pytest.mark.parametrize("field, value", [("to", 5), ("patch", 7), ("base", ["x"])])
def test_job_fields_of_the_wrong_type(tmp_path, trees, field, value):
    base, target = trees
    (tmp_path / "fix.patch").write_text(PATCH)
    job = {"id": "a", "patch": str(tmp_path / "fix.patch"), "base": str(base), "to": [str(target)], field: value}
    run, out = _batch(tmp_path, [job])
    assert "Traceback" not in run.stderr, run.stderr
    assert run.returncode == 2 or json.loads((out / "batch.json").read_text())["jobs"][0]["status"] == "error"


def test_one_crashing_job_does_not_lose_the_batch(tmp_path, trees):
    base, target = trees
    (tmp_path / "fix.patch").write_text(PATCH)
    noeol = write_tree(tmp_path / "noeol", {"Documentation/swap.rst": NOEOL_BASE})
    (tmp_path / "eol.patch").write_text(_noeol_patch(False, True))
    run, out = _batch(tmp_path, [
        {"id": "good", "patch": str(tmp_path / "fix.patch"), "base": str(base), "to": [str(target)]},
        {"id": "crash", "patch": str(tmp_path / "eol.patch"), "base": str(noeol), "to": [str(noeol)]},
    ])
    assert "Traceback" not in run.stderr, run.stderr
    assert (out / "good" / "report.json").is_file()


@pytest.mark.parametrize("ids", [("x/y", "x_y"), ("batch.json",)], ids=["same-folder", "summary-name"])
def test_job_ids_get_their_own_folders(tmp_path, trees, ids):
    base, target = trees
    (tmp_path / "fix.patch").write_text(PATCH)
    run, out = _batch(tmp_path, [{"id": i, "patch": str(tmp_path / "fix.patch"), "base": str(base),
                                  "to": [str(target)]} for i in ids])
    assert "Traceback" not in run.stderr, run.stderr
    summary = json.loads((out / "batch.json").read_text())
    assert [j["status"] for j in summary["jobs"]] == ["complete"] * len(ids)
    assert len(list(out.glob("*/report.json"))) == len(ids)


# ---------------------------------------------------------------------------
# 3. the user's checkout is never touched


def checkout_state(repo: Path) -> dict[str, str]:
    """Every byte of the checkout: work tree and the whole .git (index, logs, refs, stash, config)."""
    return state(repo)


@pytest.fixture
def user_repo(tmp_path):
    repo = make_repo(tmp_path / "linux", {"v1.0": {"mm/a.c": BASE_C, "include/linux/mm.h": "struct page;\n"},
                                          "v2.0": {"mm/a.c": "/* moved on */\n" + BASE_C,
                                                   "include/linux/mm.h": "struct page;\n"}})
    git(repo, "config", "backport.test", "yes")
    (repo / "mm/a.c").write_text(BASE_C + "/* stashed */\n")
    git(repo, "stash")
    (repo / "mm/a.c").write_text(BASE_C + "/* staged */\n")
    git(repo, "add", "mm/a.c")
    (repo / "mm/a.c").write_text(BASE_C + "/* staged */\n/* and more */\n")
    (repo / "untracked.txt").write_text("work in progress\n")
    git(repo, "branch", "topic", "v1.0")
    return repo


def _read_only_runs(tmp_path: Path, repo: Path):
    patch = tmp_path / "fix.patch"
    patch.write_text(MAIL_HEAD + PATCH)
    bad = tmp_path / "bad.patch"
    bad.write_text(PATCH.replace("y = y * 2;", "y = y * 3;"))
    o = lambda n: ["-o", tmp_path / n, "--no-color"]  # noqa: E731
    jobs = tmp_path / "jobs.jsonl"
    jobs.write_text("".join(json.dumps({"id": f"j{i}", "patch": str(patch), "repo": str(repo), "base": "v1.0",
                                        "to": to}) + "\n" for i, to in enumerate((["v2.0"], ["topic", "v2.0"]))))
    return [
        ("port refs", ["port", patch, "--repo", repo, "--base", "v1.0", "--to", "v2.0", "--to", "topic", *o("o1")], 0),
        ("port to the checkout itself", ["port", patch, "--repo", repo, "--base", "v1.0", "--to", repo, *o("o2")],
         None),
        ("port --review", ["port", patch, "--repo", repo, "--base", "v1.0", "--to", "v2.0", "--review",
                           "--no-pager", *o("o3")], 0),
        ("review", ["review", tmp_path / "o1", "--no-pager", "--no-color"], 0),
        ("unknown ref", ["port", patch, "--repo", repo, "--base", "v1.0", "--to", "v9", *o("o4")], 2),
        ("base mismatch", ["port", bad, "--repo", repo, "--base", "v1.0", "--to", "v2.0", *o("o5")], 2),
        ("no base", ["port", patch, "--repo", repo, "--to", "v2.0", *o("o6")], 2),
        ("ref like an option", ["port", patch, "--repo", repo, "--base", "v1.0", "--to=--output=x", *o("o7")], 2),
        ("batch", ["batch", jobs, "-o", tmp_path / "o8"], 0),
    ]


def test_checkout_is_byte_identical_after_every_command(tmp_path, user_repo):
    before = checkout_state(user_repo)
    assert any(k.startswith(".git/refs/stash") or k == ".git/logs/refs/stash" for k in before)
    assert ".git/index" in before
    for name, args, code in _read_only_runs(tmp_path, user_repo):
        run = run_cli(*args, cwd=tmp_path)
        assert "Traceback" not in run.stderr, (name, run.stderr)
        if code is not None:
            assert run.returncode == code, (name, run.returncode, run.stderr, run.stdout[-1500:])
        assert checkout_state(user_repo) == before, f"'{name}' changed the checkout"


# ---------------------------------------------------------------------------
# review of a hostile output directory


@pytest.mark.parametrize("content, words", [
    (b"", "cannot read the report"),
    (b"{not json", "cannot read the report"),
    (b"\xff\xfe\x00garbage", "cannot read the report"),
    (b'{"schema": 99, "patches": []}', "schema"),
    (b"[1, 2]", "not a backport report"),
    (b'{"schema": 1, "patches": [{"targets": [{"hunks": [{"verdict": "bogus"}]}]}]}', "not a backport report"),
])
def test_review_of_a_bad_report_is_one_line_error(tmp_path, content, words):
    out = write_tree(tmp_path / "out", {"report.json": content})
    run = run_cli("review", out, "--no-pager", "--no-color")
    assert run.returncode == 2 and "Traceback" not in run.stderr, run.stderr
    assert len(run.stderr.strip().splitlines()) == 1 and words in run.stderr, run.stderr


# ---------------------------------------------------------------------------
# fuzz-found reproducers (tests/data/hostile/<case>/)


def hostile_cases():
    if not HOSTILE.is_dir():
        return []
    out = []
    for d in sorted(p for p in HOSTILE.iterdir() if (p / "patch.diff").is_file()):
        known = d / "KNOWN-FAILING"
        marks = [pytest.mark.xfail(strict=True, reason=known.read_text().strip().splitlines()[0])] \
            if known.is_file() else []
        out.append(pytest.param(d, id=d.name, marks=marks))
    return out


@pytest.mark.parametrize("case", hostile_cases())
def test_hostile_case(case, tmp_path):
    """Each case ports its patch to the base itself (or to target/): exit 0, verdicts as in
    verdicts.txt (default: every hunk exact), and the series applied gives after/ when present."""
    base = case / "base"
    target = case / "target" if (case / "target").is_dir() else base
    out = tmp_path / "out"
    run = run_cli("port", case / "patch.diff", "--base", base, "--to", target, "-o", out, "--no-color")
    report = assert_verdict_run(run, out)
    want = (case / "verdicts.txt").read_text().split() if (case / "verdicts.txt").is_file() else None
    got = [v for _, v in verdicts(report)]
    assert got == (want or ["exact"] * len(got)), run.stdout[-3000:]
    assert run.returncode == 0
    if (case / "after").is_dir():
        applied = git_apply(diff_part(series_files(out)[0].read_bytes()), target, tmp_path)
        assert state(applied) == state(case / "after")
