"""The stable workflow: commits of the checkout in, series that ``git am -3`` takes in order out.

Fixture: a repository shaped like a maintainer's checkout (built here, in
tmp_path): ``master`` carries upstream commits, ``linux-4.19.y`` is a stable
branch forked at ``v4.19`` whose file drifted (lines added at the top, so
every hunk lands at another line), ``linux-4.14.y`` an older branch forked
before the commit a fix ``Fixes:``, and ``linux-4.9.y`` a branch where
``other()`` does not exist.
"""
from __future__ import annotations

import io
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from rich.console import Console

from backport.cli import main
from backport.commits import commit_patch, read_inputs
from backport.overlay import OverlayTree, apply_file, blob_id
from backport.stable import fixes_of, series_name, stable_lines
from backport.tree import DirTree

ENV = {"GIT_AUTHOR_NAME": "Ann Author", "GIT_AUTHOR_EMAIL": "ann@example.org",
       "GIT_COMMITTER_NAME": "Carl Committer", "GIT_COMMITTER_EMAIL": "carl@example.org",
       "GIT_AUTHOR_DATE": "2024-03-05T10:11:12+0100", "GIT_COMMITTER_DATE": "2024-03-05T10:11:12+0100",
       "GIT_CONFIG_GLOBAL": "/dev/null", "GIT_CONFIG_NOSYSTEM": "1"}

ERRNO = "#ifndef _ERRNO_H\n#define _ERRNO_H\n#define EINVAL 22\n#define ERANGE 34\n#endif\n"
CALC = """#include <linux/kernel.h>
#include <linux/errno.h>

static int helper(int x)
{
\tint y = x * 2;

\tif (y > 10)
\t\treturn 10;
\treturn y;
}

int compute(int a, int b)
{
\tint total = 0;

\ttotal += helper(a);
\ttotal += helper(b);
\treturn total;
}

int other(int z)
{
\tint w = z + 1;

\treturn w;
}
"""
FIRST = ("\tint total = 0;\n\n\ttotal += helper(a);",
         "\tint total = 0;\n\n\tif (a < 0)\n\t\treturn -EINVAL;\n\n\ttotal += helper(a);")
SECOND = ("\tif (a < 0)\n\t\treturn -EINVAL;\n", "\tif (a < 0)\n\t\treturn -EINVAL;\n\tif (b < 0)\n\t\treturn -EINVAL;\n")


def git(repo, *args, env=None) -> str:
    run = subprocess.run(["git", "-C", str(repo), *args], capture_output=True, env=dict(os.environ, **ENV, **(env or {})))
    assert run.returncode == 0, run.stderr.decode()
    return run.stdout.decode()


def edit(repo: Path, path: str, old: str, new: str) -> None:
    f = repo / path
    text = f.read_text()
    assert text.count(old) == 1, old
    f.write_text(text.replace(old, new))


def commit(repo: Path, message: str) -> str:
    git(repo, "commit", "-q", "-a", "-m", message)
    return git(repo, "rev-parse", "HEAD").strip()


@pytest.fixture
def checkout(tmp_path) -> dict:
    """The maintainer's checkout; returns the interesting commit ids."""
    repo = tmp_path / "linux"
    git(tmp_path, "init", "-q", "-b", "master", str(repo))
    (repo / "lib").mkdir()
    (repo / "include/linux").mkdir(parents=True)
    (repo / "include/linux/errno.h").write_text(ERRNO)
    (repo / "include/linux/kernel.h").write_text("/* kernel.h */\n")
    (repo / "lib/calc.c").write_text(CALC)
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "lib: calc")
    git(repo, "tag", "v4.9")
    git(repo, "branch", "linux-4.9.y")
    edit(repo, "lib/calc.c", "\tint w = z + 1;\n", "\tint w = z + 2;\n")
    bug = commit(repo, "lib: other() adds two\n\nSigned-off-by: Ann Author <ann@example.org>")
    git(repo, "tag", "v4.19")
    git(repo, "branch", "linux-4.14.y", "v4.9")  # forked before the bug
    # the stable branch drifts: lines above every function
    git(repo, "checkout", "-q", "-b", "linux-4.19.y", "v4.19")
    edit(repo, "lib/calc.c", "#include <linux/errno.h>\n", "#include <linux/errno.h>\n#include <linux/types.h>\n\n"
         "/* 4.19.y: stable drift */\n")
    commit(repo, "lib: stable drift")
    # 4.9.y has no other()
    git(repo, "checkout", "-q", "linux-4.9.y")
    edit(repo, "lib/calc.c", "\nint other(int z)\n{\n\tint w = z + 1;\n\n\treturn w;\n}\n", "")
    commit(repo, "lib: 4.9.y has no other()")
    git(repo, "checkout", "-q", "master")
    edit(repo, "lib/calc.c", *FIRST)
    first = commit(repo, "lib: reject a negative a\n\nA negative a overflows helper().\n\n"
                         "Signed-off-by: Ann Author <ann@example.org>")
    edit(repo, "lib/calc.c", *SECOND)
    second = commit(repo, f"lib: reject a negative b\n\nThe same for b.\n\nFixes: {first[:12]} (\"lib: reject a "
                          f"negative a\")\nCc: stable@vger.kernel.org # 4.14.x\nSigned-off-by: Ann Author <ann@example.org>")
    edit(repo, "lib/calc.c", "\tint w = z + 2;\n", "\tint w = z + 1;\n")
    fix = commit(repo, f"lib: other() adds one again\n\nFixes: {bug[:12]} (\"lib: other() adds two\")\n"
                       "Cc: stable@vger.kernel.org # 4.19.x\nSigned-off-by: Ann Author <ann@example.org>")
    return {"repo": repo, "bug": bug, "first": first, "second": second, "fix": fix, "tmp": tmp_path}


def port(c: dict, *args: str, cwd: Path | None = None, capsys=None) -> tuple[int, Path, dict]:
    out = c["tmp"] / "out"
    argv = ["port", *args, "-o", str(out), "--no-color"]
    old = os.getcwd()
    os.chdir(cwd or c["repo"])  # --repo defaults to the checkout the command runs in
    try:
        rc = main(argv)
    finally:
        os.chdir(old)
    report = json.loads((out / "report.json").read_text()) if (out / "report.json").exists() else {}
    return rc, out, report


def mails(folder: Path) -> list[str]:
    return [p.read_text() for p in sorted(folder.glob("*.patch"))]


def headers(text: str) -> list[str]:
    return text.split("\n\n", 1)[0].splitlines()


def clone_at(c: dict, branch: str) -> Path:
    where = c["tmp"] / f"clone-{branch}"
    git(c["tmp"], "clone", "-q", "-b", branch, str(c["repo"]), str(where))
    return where


# ---------------------------------------------------------------------------
# input forms


def test_one_commit_is_a_patch_with_its_metadata(checkout):
    c = checkout
    patch = commit_patch(str(c["repo"]), c["first"])
    assert patch.meta.upstream == c["first"]
    assert patch.meta.base_commit == git(c["repo"], "rev-parse", f"{c['first']}^").strip()
    assert patch.meta.author == "Ann Author <ann@example.org>"
    assert patch.meta.date == "Tue, 05 Mar 2024 10:11:12 +0100"
    assert patch.meta.subject == "lib: reject a negative a"
    assert patch.meta.body == "A negative a overflows helper().\n\nSigned-off-by: Ann Author <ann@example.org>"
    assert [f.path for f in patch.files] == ["lib/calc.c"] and patch.hunk_count == 1


def test_a_stable_backport_keeps_its_upstream_id(checkout):
    c = checkout
    repo = c["repo"]
    git(repo, "checkout", "-q", "-b", "linux-4.19.y-next", "linux-4.19.y")
    edit(repo, "lib/calc.c", *FIRST)
    mine = commit(repo, f"lib: reject a negative a\n\ncommit {c['first']} upstream.\n\nA negative a overflows.")
    git(repo, "checkout", "-q", "master")
    patch = commit_patch(str(repo), mine)
    assert patch.meta.upstream == c["first"] and patch.meta.base_commit == git(repo, "rev-parse", "linux-4.19.y").strip()


def test_port_a_commit_by_its_id(checkout):
    c = checkout
    rc, out, report = port(c, c["first"][:10], "--to", "linux-4.19.y")
    assert rc == 0
    (mail,) = mails(out / "linux-4.19.y")
    head = headers(mail)
    assert head[0] == f"From {c['first']} Mon Sep 17 00:00:00 2001"
    assert head[1] == "From: Ann Author <ann@example.org>"
    assert head[2] == "Date: Tue, 05 Mar 2024 10:11:12 +0100"
    assert head[3] == "Subject: [PATCH 4.19.y] lib: reject a negative a"
    assert mail.split("\n\n", 2)[1] == f"commit {c['first']} upstream."
    p = report["patches"][0]
    assert p["upstream"] == c["first"] and p["base_commit"] == git(c["repo"], "rev-parse", f"{c['first']}^").strip()


def test_range_and_count_give_the_same_series(checkout):
    c = checkout
    ranged = read_inputs([f"{c['bug']}..{c['second']}"], str(c["repo"]))
    counted = read_inputs(["-2", c["second"]], str(c["repo"]))
    assert [p.meta.upstream for p in ranged] == [c["first"], c["second"]]  # oldest first
    assert [p.meta.upstream for p in counted] == [c["first"], c["second"]]
    assert [p.meta.base_commit for p in ranged] == [c["bug"], c["first"]]


def test_count_form_on_the_command_line(checkout):
    c = checkout
    rc, out, report = port(c, "-2", c["second"], "--to", "linux-4.19.y")
    assert rc == 0
    assert [p["upstream"] for p in report["patches"]] == [c["first"], c["second"]]


def test_several_files_and_a_directory_are_one_series(checkout):
    c = checkout
    folder = c["tmp"] / "fp"
    git(c["repo"], "format-patch", "-q", "--cover-letter", f"--base={c['bug']}", "-o", str(folder),
        f"{c['bug']}..{c['second']}")
    files = sorted(str(p) for p in folder.glob("00*.patch") if "cover" not in p.name)
    for specs in (files, [str(folder)]):
        patches = read_inputs(specs, str(c["repo"]))
        assert [p.meta.subject for p in patches] == ["lib: reject a negative a", "lib: reject a negative b"]
        assert [p.meta.upstream for p in patches] == [c["first"], c["second"]]  # the From <sha> lines
    patches = read_inputs([str(folder)], str(c["repo"]))
    assert patches[0].meta.base_commit == c["bug"]  # base-commit: of the cover letter beside them


def test_mbox_with_cover_letter(checkout):
    c = checkout
    mbox = c["tmp"] / "series.mbox"
    mbox.write_text(git(c["repo"], "format-patch", "--stdout", "--cover-letter", f"--base={c['bug']}",
                        f"{c['bug']}..{c['second']}"))
    patches = read_inputs([str(mbox)], str(c["repo"]))
    assert [p.meta.upstream for p in patches] == [c["first"], c["second"]]
    assert patches[0].meta.base_commit == c["bug"]
    rc, out, report = port(c, str(mbox), "--to", "linux-4.19.y")
    assert rc == 0
    assert [p["base"] for p in report["patches"]] == [c["bug"], c["bug"]]  # patch 2: the base as patch 1 leaves it
    run = subprocess.run(["git", "am", "-3", str(out / "linux-4.19.y" / "linux-4.19.y.mbx")],
                         cwd=clone_at(c, "linux-4.19.y"), capture_output=True, env=dict(os.environ, **ENV))
    assert run.returncode == 0, run.stderr


def test_prerequisite_patch_ids_are_read_and_reported(checkout, capsys):
    c = checkout
    mbox = c["tmp"] / "series.mbox"
    mbox.write_text(git(c["repo"], "format-patch", "--stdout", "--base=v4.9", f"{c['bug']}..{c['second']}"))
    run = subprocess.run(["git", "patch-id", "--stable"], input=git(c["repo"], "show", c["bug"]).encode(),
                         capture_output=True)
    want = run.stdout.decode().split()[0]
    patches = read_inputs([str(mbox)], str(c["repo"]))
    assert patches[0].meta.base_commit == git(c["repo"], "rev-parse", "v4.9").strip()
    assert patches[0].meta.prerequisites == (want,)
    rc, out, report = port(c, str(mbox), "--base", c["bug"], "--to", "linux-4.19.y", "-v")
    assert report["patches"][0]["prerequisites"] == [want]
    assert f"prerequisite-patch-id: {want}" in capsys.readouterr().out


def test_a_path_wins_over_a_ref_of_the_same_name(checkout, monkeypatch):
    c = checkout
    name = c["repo"] / "v4.19"  # a file named like a tag, in the checkout's top directory
    name.write_text(git(c["repo"], "format-patch", "--stdout", "-1", c["first"]))
    monkeypatch.chdir(c["repo"])
    notes = []
    patches = read_inputs(["v4.19"], str(c["repo"]), note=notes.append)
    assert [p.meta.upstream for p in patches] == [c["first"]]
    assert notes == [f"'v4.19' is both a path and a revision of {c['repo']}; reading the path"]


def test_unknown_name_is_one_line_error(checkout, capsys):
    c = checkout
    rc, out, _ = port(c, "no-such-thing", "--to", "linux-4.19.y")
    assert rc == 2 and not out.exists()
    err = capsys.readouterr().err.strip().splitlines()
    assert err == [f"backport: no-such-thing: cannot read patch: no such file, and no revision of that name in "
                   f"{c['repo']}"]


# ---------------------------------------------------------------------------
# a series that applies in order


def test_series_by_range_applies_in_order_with_git_am_3(checkout):
    c = checkout
    rc, out, report = port(c, f"{c['bug']}..{c['second']}", "--to", "linux-4.19.y")
    assert rc == 0
    folder = out / "linux-4.19.y"
    first, second = mails(folder)
    for text, sha, n in ((first, c["first"], 1), (second, c["second"], 2)):
        head = headers(text)
        assert head[0] == f"From {sha} Mon Sep 17 00:00:00 2001"
        assert head[1] == "From: Ann Author <ann@example.org>"
        assert re.match(rf"Subject: \[PATCH 4\.19\.y {n}/2\] lib: reject a negative [ab]$", head[3])
        assert f"\ncommit {sha} upstream.\n" in "\n" + text.split("\n\n", 1)[1]
    # patch 2's context is patch 1's added lines: regenerated on the branch as patch 1 leaves it
    assert "+\tif (b < 0)" in second and " \tif (a < 0)" in second
    # index lines: the branch's blob before, the post-image after; patch 2 starts where patch 1 ended
    pre = git(c["repo"], "rev-parse", "linux-4.19.y:lib/calc.c").strip()
    i1 = re.search(r"^index ([0-9a-f]{40})\.\.([0-9a-f]{40}) 100644$", first, re.M)
    i2 = re.search(r"^index ([0-9a-f]{40})\.\.([0-9a-f]{40}) 100644$", second, re.M)
    assert i1 and i2 and i1.group(1) == pre and i2.group(1) == i1.group(2)
    assert (folder / "linux-4.19.y.mbx").read_text() == first + second
    assert (folder / "0000-cover-letter.txt").exists()
    clone = clone_at(c, "linux-4.19.y")
    run = subprocess.run(["git", "am", "-3", str(folder / "linux-4.19.y.mbx")], cwd=clone, capture_output=True,
                         env=dict(os.environ, **ENV))
    assert run.returncode == 0, run.stderr
    text = (clone / "lib/calc.c").read_text()
    assert "/* 4.19.y: stable drift */" in text
    assert "\tint total = 0;\n\n\tif (a < 0)\n\t\treturn -EINVAL;\n\tif (b < 0)\n\t\treturn -EINVAL;\n\n" in text
    assert git(clone, "rev-parse", "HEAD:lib/calc.c").strip() == i2.group(2)  # the post-image id was right
    log = git(clone, "log", "--format=%an <%ae>|%s", "origin/linux-4.19.y..HEAD")
    assert log == ("Ann Author <ann@example.org>|lib: reject a negative b\n"
                   "Ann Author <ann@example.org>|lib: reject a negative a\n")
    assert f"commit {c['second']} upstream." in git(clone, "log", "-1", "--format=%B")


def test_glob_of_the_mails_never_meets_the_cover_letter(checkout):
    c = checkout
    rc, out, _ = port(c, f"{c['bug']}..{c['second']}", "--to", "linux-4.19.y")
    patches = sorted(str(p) for p in (out / "linux-4.19.y").glob("*.patch"))
    assert len(patches) == 2
    run = subprocess.run(["git", "am", "-3", *patches], cwd=clone_at(c, "linux-4.19.y"), capture_output=True,
                         env=dict(os.environ, **ENV))
    assert run.returncode == 0, run.stderr


def test_three_way_fallback_when_the_branch_moved_on(checkout):
    """The index lines let git am -3 merge when the branch changed after the series was written."""
    c = checkout
    rc, out, _ = port(c, c["first"], "--to", "linux-4.19.y")
    clone = clone_at(c, "linux-4.19.y")
    edit(clone, "lib/calc.c", "\ttotal += helper(b);\n", "\ttotal += helper(b); /* moved on */\n")
    git(clone, "commit", "-q", "-am", "lib: the branch moved on")
    (mail,) = sorted((out / "linux-4.19.y").glob("*.patch"))
    run = subprocess.run(["git", "am", "-3", str(mail)], cwd=clone, capture_output=True, env=dict(os.environ, **ENV))
    assert run.returncode == 0, run.stderr
    assert "/* moved on */" in (clone / "lib/calc.c").read_text() and "return -EINVAL" in (clone / "lib/calc.c").read_text()


def test_overlay_reads_what_earlier_patches_wrote(tmp_path):
    (tmp_path / "a.c").write_text("int a;\nint b;\n")
    tree = OverlayTree(DirTree(str(tmp_path)))
    from backport.ingest import parse_patches
    fp = parse_patches(b"--- a/a.c\n+++ b/a.c\n@@ -1,2 +1,3 @@\n int a;\n+int c;\n int b;\n", "x")[0].files
    tree.apply(fp)
    assert tree.read("a.c") == "int a;\nint c;\nint b;\n"
    assert (tmp_path / "a.c").read_text() == "int a;\nint b;\n"  # nothing written
    assert tree.grep("int c", fixed=True) == [("a.c", 2, "int c;")]
    assert tree.words(["c", "zz"], ()) == {"c"}
    assert tree.grep("zz|c", word=True) == [("a.c", 2, "int c;")]  # alternatives inside the word bounds
    assert tree.grep("a", paths=("*.h",)) == []
    run = subprocess.run(["git", "hash-object", "--stdin"], input=b"int a;\nint c;\nint b;\n", capture_output=True)
    assert blob_id(tree.read("a.c")) == run.stdout.decode().strip()
    assert apply_file("x\n", parse_patches(b"--- a/q\n+++ b/q\n@@ -1 +1 @@\n-x\n+y\n", "q")[0].files[0]) == "y\n"


# ---------------------------------------------------------------------------
# subjects, trailers


@pytest.mark.parametrize("name, series", [
    ("linux-6.1.y", "6.1.y"), ("stable/linux-4.19.y", "4.19.y"), ("origin/linux-5.10.y", "5.10.y"),
    ("v6.1.187", "6.1"), ("v6.1", "6.1"), ("6.12.3", "6.12"), ("v6.8-rc3", "6.8"), ("master", None),
    ("4.19.y", "4.19.y"), ("/srv/linux-5.15.y/", "5.15.y"),
])
def test_series_name_from_branch_or_tag(name, series):
    assert series_name(name) == series


def test_subject_prefix_still_wins(checkout):
    c = checkout
    rc, out, _ = port(c, c["first"], "--to", "linux-4.19.y", "--subject-prefix", "PATCH 4.19")
    assert headers(mails(out / "linux-4.19.y")[0])[3] == "Subject: [PATCH 4.19] lib: reject a negative a"


def test_trailers_are_read():
    body = ('Fixes: 0123456789ab ("lib: x")\nFixes: abcdef1\nCc: stable@vger.kernel.org # 5.10.x\n'
            "Cc: <stable@vger.kernel.org> # 3.3.x: a1f84a3: sched: Check for idle\n"
            "Cc: stable@vger.kernel.org\n")
    assert fixes_of(body) == [("0123456789ab", "lib: x"), ("abcdef1", "")]
    assert stable_lines(body) == [("5.10.x", "5.10", None, ""),
                                  ("3.3.x: a1f84a3: sched: Check for idle", "3.3", "a1f84a3", "sched: Check for idle")]


def test_fixes_per_target(checkout, capsys):
    """A target without the commit a fix fixes probably needs no fix; one with a backport of it does."""
    c = checkout
    git(c["repo"], "branch", "linux-4.14.y-bp", "linux-4.14.y")
    repo = c["repo"]
    git(repo, "checkout", "-q", "linux-4.14.y-bp")
    git(repo, "cherry-pick", "-x", c["bug"])  # a backport: a new commit naming the upstream one
    git(repo, "checkout", "-q", "master")
    rc, out, report = port(c, c["fix"], "--to", "linux-4.14.y", "--to", "v4.19", "--to", "linux-4.14.y-bp")
    shown = capsys.readouterr().out
    fixes = {t["target"]: t["fixes"][0] for t in report["patches"][0]["targets"]}
    assert fixes["linux-4.14.y"]["in_target"] is False and fixes["linux-4.14.y"]["resolved"] == c["bug"]
    assert fixes["v4.19"]["in_target"] is True and fixes["linux-4.14.y-bp"]["in_target"] is True
    stable = {t["target"]: t["stable"][0] for t in report["patches"][0]["targets"]}
    assert stable["linux-4.14.y"]["needed"] is False and stable["v4.19"]["needed"] is True
    assert re.search(r"linux-4\.14\.y: Fixes: \w{12} \(\"lib: other\(\) adds two\"\): the target does not contain "
                     r"it \(nor a backport of it\): it probably needs no fix", shown)
    assert "v4.19: Fixes" not in shown  # nothing to act on: not shown without -v
    md = (out / "report.md").read_text()
    assert "probably needs no fix" in md
    assert not mails(out / "linux-4.14.y")  # the target already has what the fix restores: nothing to send


def test_fixes_naming_an_earlier_patch_of_the_series(checkout):
    c = checkout
    rc, out, report = port(c, f"{c['bug']}..{c['second']}", "--to", "linux-4.19.y")
    (fix,) = report["patches"][1]["targets"][0]["fixes"]
    assert fix["in_series"] == 1 and fix["in_target"] is None


# ---------------------------------------------------------------------------
# on screen


def test_default_output_is_table_review_and_where(checkout, capsys):
    c = checkout
    rc, out, _ = port(c, f"{c['bug']}..{c['second']}", "--to", "linux-4.19.y")
    shown = capsys.readouterr().out
    assert "[1/2] lib: reject a negative a" in shown and "[2/2] lib: reject a negative b" in shown
    assert re.search(r"^  linux-4\.19\.y  lib/calc\.c#1  offset +\d+  same text, \+\d+ lines$", shown, re.M)
    assert f"linux-4.19.y: 2 patches in {out}/linux-4.19.y/ (git am -3 {out}/linux-4.19.y/linux-4.19.y.mbx)" in shown
    assert "git apply --check" not in shown  # checks are behind -v
    rc, out2, _ = port(c, f"{c['bug']}..{c['second']}", "--to", "linux-4.19.y", "-v", "--force")
    assert "git apply --check: ok" in capsys.readouterr().out


def test_quiet_prints_only_problems(checkout, capsys):
    c = checkout
    rc, out, _ = port(c, c["first"], "--to", "linux-4.19.y", "-q")
    assert rc == 0 and capsys.readouterr().out == ""


def test_terminal_table_fits_80_columns_and_piped_rows_are_not_wrapped(checkout):
    from backport.report import load_json
    from backport.screen import render
    c = checkout
    rc, out, report = port(c, c["fix"], "--to", "linux-4.9.y")
    results, _, series = load_json(report)
    console = Console(width=80, record=True, force_terminal=True, color_system=None, file=io.StringIO())
    render(results, series, str(out), console)
    text = console.export_text()
    assert all(len(x) <= 80 for x in text.splitlines())
    assert "linux-4.9.y" in text and "missing" in text and "not in the target" in text.replace("\n", " ")
    piped = Console(width=1 << 16, record=True, force_terminal=False, color_system=None, file=io.StringIO())
    render(results, series, str(out), piped)
    row = next(x for x in piped.export_text().splitlines() if "lib/calc.c#1" in x)
    assert row.rstrip().endswith("is not in the target's lib/ or include/")


def test_long_target_names_stay_readable_at_80_columns(checkout):
    from backport.report import load_json
    from backport.screen import render
    c = checkout
    git(c["repo"], "branch", "stable/maintainers/linux-4.19.y", "linux-4.19.y")
    rc, out, report = port(c, c["first"], "--to", "stable/maintainers/linux-4.19.y")
    results, _, series = load_json(report)
    console = Console(width=80, record=True, force_terminal=True, color_system=None, file=io.StringIO())
    render(results, series, str(out), console)
    row = next(x for x in console.export_text().splitlines() if "lib/calc.c#1" in x)
    assert row.startswith("linux-4.19.y ") and "offset" in row and "same text" in row


def test_subjects_are_cut_with_an_ellipsis(checkout):
    from backport.report import load_json
    from backport.screen import cut, render
    assert cut("x" * 100, 20) == "x" * 19 + "…" and cut("short", 20) == "short"
    c = checkout
    edit(c["repo"], "lib/calc.c", "\tint y = x * 2;\n", "\tint y = x * 3;\n")
    long = "lib: helper() triples its argument now, which is what every caller of it has wanted since 2.6"
    sha = commit(c["repo"], long)
    rc, out, report = port(c, sha, "--to", "linux-4.19.y")
    results, _, series = load_json(report)
    console = Console(width=80, record=True, force_terminal=True, color_system=None, file=io.StringIO())
    render(results, series, str(out), console)
    title = console.export_text().splitlines()[0]
    assert title.startswith("lib: helper() triples its argument") and "…  (base " in title and len(title) <= 80


@pytest.mark.parametrize("command", [[], ["port"], ["review"], ["batch"], ["demo"]])
def test_help_ends_with_examples_and_exit_codes(command):
    run = subprocess.run([sys.executable, "-m", "backport.cli", *command, "--help"], capture_output=True, text=True)
    assert run.returncode == 0
    tail = run.stdout.split("examples:", 1)[1]
    examples = [x for x in tail.split("exit status:")[0].splitlines() if x.strip()]
    assert 2 <= len(examples) <= 4 and all(x.strip().startswith(("backport", "echo")) for x in examples)
    assert re.search(r"exit status:\n  0 .*\n(  [12] .*\n)+", tail)


def test_a_hunk_left_out_is_said_in_the_applied_commit_message(checkout):
    """One hunk of the commit cannot be placed on linux-4.9.y (no other() there): the mail is still
    written (exit 1), and the commit git am makes says that hunk was left out, and why."""
    c = checkout
    repo = c["repo"]
    edit(repo, "lib/calc.c", "\tif (y > 10)\n\t\treturn 10;\n", "\tif (y > 12)\n\t\treturn 12;\n")
    edit(repo, "lib/calc.c", "\tint w = z + 1;\n\n\treturn w;\n", "\tint w = z + 1;\n\n\treturn w > 100 ? 100 : w;\n")
    sha = commit(repo, "lib: clamp helper() and other()\n\nBoth overflow.\n\nSigned-off-by: Ann Author <ann@example.org>")
    rc, out, report = port(c, sha, "--to", "linux-4.9.y")
    assert rc == 1
    (mail,) = mails(out / "linux-4.9.y")
    message = mail.split("\n---\n", 1)[0]
    assert "LEFT OUT lib/calc.c hunk #2: other() is not in the target's lib/ or include/ ]" in " ".join(message.split())
    clone = clone_at(c, "linux-4.9.y")
    run = subprocess.run(["git", "am", "-3", str(out / "linux-4.9.y" / "linux-4.9.y.mbx")], cwd=clone,
                         capture_output=True, env=dict(os.environ, **ENV))
    assert run.returncode == 0, run.stderr
    applied = " ".join(git(clone, "log", "-1", "--format=%B").split())
    assert applied.startswith(f"lib: clamp helper() and other() commit {sha} upstream. Both overflow. Signed-off-by: Ann Author <ann@example.org> "
                              "[ backport: LEFT OUT lib/calc.c hunk #2: other() is not in the target's lib/ or include/ ]")
    assert "if (y > 12)" in (clone / "lib/calc.c").read_text()


def test_repo_defaults_to_the_checkout_as_git_finds_it(checkout, monkeypatch):
    c = checkout
    rc, out, report = port(c, c["first"], "--to", "linux-4.19.y", cwd=c["repo"] / "lib")  # a subdirectory
    assert rc == 0 and report["patches"][0]["upstream"] == c["first"]
    elsewhere = c["tmp"] / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.setenv("GIT_DIR", str(c["repo"] / ".git"))
    rc, out, report = port(c, c["first"], "--to", "linux-4.19.y", "--force", cwd=elsewhere)
    assert rc == 0 and report["patches"][0]["targets"][0]["commit"] == git(c["repo"], "rev-parse", "linux-4.19.y").strip()
