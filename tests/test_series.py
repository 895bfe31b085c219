"""The series per target: git format-patch conventions, git am / git mailinfo round trips,
cover letter, NEEDS REVIEW notes, --no-partial, --upstream-style, author placeholders."""
import json
import os
import re
import subprocess
from pathlib import Path

import pytest

from backport.cli import main
from backport.model import Check, HunkResult, Patch, PatchMeta, Place, PortResult, TargetResult, Verdict
from backport.series import author_of, mail
from conftest import GIT_ENV, SEED, git, make_repo

AM_ENV = dict(GIT_ENV, GIT_COMMITTER_DATE="2024-01-01T00:00:00Z")


def am(repo: Path, tag: str, patches: list[Path], where: Path) -> subprocess.CompletedProcess:
    """git am of a series in a fresh clone of ``repo`` checked out at ``tag``."""
    subprocess.run(["git", "clone", "-q", str(repo), str(where)], check=True, capture_output=True)
    git(where, "checkout", "-q", "-b", "port", tag)
    return subprocess.run(["git", "-C", str(where), "am", *map(str, patches)], capture_output=True, text=True,
                          env=dict(os.environ, **AM_ENV))


def mailinfo(path: Path, tmp: Path) -> tuple[dict, str, str]:
    msg, patch = tmp / "msg", tmp / "patch"
    out = subprocess.run(["git", "mailinfo", str(msg), str(patch)], input=path.read_bytes(), capture_output=True,
                         check=True).stdout.decode()
    info = dict(line.split(": ", 1) for line in out.splitlines() if ": " in line)
    return info, msg.read_text(), patch.read_text()


def stripspace(text: str) -> str:
    return subprocess.run(["git", "stripspace"], input=text, capture_output=True, text=True, check=True).stdout


def without_index(diff: str) -> str:
    return "".join(ln for ln in diff.splitlines(True) if not ln.startswith("index "))


@pytest.fixture(scope="module")
def seed_port(demo_repo, tmp_path_factory):
    repo, _ = demo_repo
    out = tmp_path_factory.mktemp("series") / "out"
    rc = main(["port", str(SEED), "--repo", str(repo), "--base", "v4.9.117", "--to", "v4.14", "--to", "v5.10",
               "-o", str(out), "--no-color"])
    return rc, out, json.loads((out / "report.json").read_text())


def _target(report, name):
    return next(t for t in report["patches"][0]["targets"] if t["target"] == name)


def test_seed_series_is_format_patch_style(seed_port):
    _, out, _ = seed_port
    (path,) = (out / "v4.14").glob("*.patch")
    assert path.name == "0001-mm-disable-preemption-before-swapcache_free.patch"
    text = path.read_text()
    head = text.split("\n\n", 1)[0].splitlines()
    assert head[0] == f"From {'0' * 40} Mon Sep 17 00:00:00 2001"
    assert head[1] == "From: Hugh Dickins <hugh.dickins@unknown.invalid>"
    assert head[2] == "Date: Sat, 04 Aug 2018 19:08:24 -0500"
    assert head[3] == "Subject: [PATCH 4.14] mm: disable preemption before swapcache_free"  # the series, no v
    assert "\n---\n" in text and " 3 files changed, 24 insertions(+), 5 deletions(-)" in text
    assert text.endswith("-- \nbackport 0.1.0\n\n")
    assert "no address for Hugh Dickins" in text.split("\n---\n", 1)[1]


def test_git_am_round_trip(seed_port, demo_repo, tmp_path):
    """git am of the series on v4.14 succeeds; the commit's diff is the regenerated diff."""
    _, out, report = seed_port
    repo, _ = demo_repo
    series = sorted((out / "v4.14").glob("*.patch"))
    run = am(repo, "v4.14", series, tmp_path / "clone")
    assert run.returncode == 0, run.stderr
    clone = tmp_path / "clone"
    committed = git(clone, "diff", "--full-index", "HEAD~1", "HEAD")
    assert committed == _target(report, "v4.14")["diff"]  # index lines: the real blob ids, before and after
    assert git(clone, "log", "-1", "--format=%an <%ae>|%ad|%s", "--date=rfc") == \
        "Hugh Dickins <hugh.dickins@unknown.invalid>|Sat, 4 Aug 2018 19:08:24 -0500|" \
        "mm: disable preemption before swapcache_free\n"


def test_git_mailinfo_reads_author_subject_body_back(seed_port, tmp_path):
    _, out, report = seed_port
    (path,) = (out / "v4.14").glob("*.patch")
    info, msg, patch = mailinfo(path, tmp_path)
    assert info["Author"] == "Hugh Dickins" and info["Email"] == "hugh.dickins@unknown.invalid"
    assert info["Subject"] == "mm: disable preemption before swapcache_free"
    body = report["patches"][0]["body"]
    note = "[ backport: renamed swapcache_free() -> put_swap_page(); adjusted context in __read_swap_cache_async() ]"
    assert " ".join(msg.split()) == " ".join((body + "\n\n" + note).split())  # the note may be folded
    assert "NEEDS REVIEW" not in msg and "unknown.invalid" not in msg  # notes below --- stay out of the commit
    assert patch.startswith("---\n[ backport: the source gives no address")


def test_conflict_is_loud_below_the_cut_line_and_am_still_applies(seed_port, demo_repo, tmp_path):
    rc, out, report = seed_port
    repo, _ = demo_repo
    assert rc == 1  # v5.10 has a hunk that needs a human
    (path,) = (out / "v5.10").glob("*.patch")
    message, below = path.read_text().split("\n---\n", 1)
    assert "NEEDS REVIEW" not in message
    assert re.search(r"^\[ backport: NEEDS REVIEW: mm/swap_state.c hunk #2 in __read_swap_cache_async\(\): "
                     r"conflict, LEFT OUT of this patch: .* \]$", below, re.M)
    run = am(repo, "v5.10", [path], tmp_path / "clone")
    assert run.returncode == 0, run.stderr
    assert "NEEDS REVIEW" not in git(tmp_path / "clone", "log", "-1", "--format=%B")
    assert report["series"][1] == {"target": "v5.10", "dir": "v5.10", "files": [path.name], "cover_letter": None,
                                   "skipped": None, "mbox": "v5.10.mbx"}


def test_no_partial_skips_targets_that_need_a_human(demo_repo, tmp_path):
    repo, _ = demo_repo
    out = tmp_path / "out"
    rc = main(["port", str(SEED), "--repo", str(repo), "--base", "v4.9.117", "--to", "v4.14", "--to", "v5.10",
               "-o", str(out), "--no-color", "--no-partial"])
    assert rc == 1
    assert len(list((out / "v4.14").glob("*.patch"))) == 1
    assert list((out / "v5.10").iterdir()) == []
    report = json.loads((out / "report.json").read_text())
    assert report["series"][1]["skipped"].startswith("--no-partial: 1 item(s) need a human")
    assert _target(report, "v5.10")["patch_file"] is None


# ---------------------------------------------------------------------------
# a series of several patches: git format-patch output of a small repo

FOO = "".join(f"int foo_{i}(void)\n{{\n\treturn {i};\n}}\n\n" for i in range(8))
BAR = "static int bar(int x)\n{\n\tint y = x * 2;\n\n\treturn y;\n}\n"


@pytest.fixture
def two_patch_repo(tmp_path):
    """v1 has foo_*() and bar(); v2 has lines added on top and no bar().  Two commits on v1,
    the second touching foo_5() and bar(), as a git format-patch mbox."""
    repo = make_repo(tmp_path / "linux", {"v1": {"lib/a.c": FOO + BAR},
                                          "v2": {"lib/a.c": "/* v2 */\n#include <x.h>\n\n" + FOO}})
    git(repo, "checkout", "-q", "-b", "dev", "v1")
    (repo / "lib/a.c").write_text(FOO.replace("return 2;", "return 2 + 0;") + BAR)
    git(repo, "commit", "-q", "--author", "A U Thor <author@example.org>", "-am", "lib: first fix\n\nWhy the first.\n\nSigned-off-by: A U Thor <author@example.org>")
    (repo / "lib/a.c").write_text(FOO.replace("return 2;", "return 2 + 0;").replace("return 5;", "return 5 + 0;")
                                  + BAR.replace("x * 2", "x * 3"))
    git(repo, "commit", "-q", "--author", "A U Thor <author@example.org>", "-am", "lib: second fix\n\nWhy the second.\n\nSigned-off-by: A U Thor <author@example.org>")
    mbox = tmp_path / "series.mbox"
    mbox.write_text(git(repo, "format-patch", "--stdout", "v1..dev"))
    git(repo, "checkout", "-q", "master")
    return repo, mbox


def test_cover_letter_and_numbering(two_patch_repo, tmp_path):
    repo, mbox = two_patch_repo
    out = tmp_path / "out"
    rc = main(["port", str(mbox), "--repo", str(repo), "--base", "v1", "--to", "v2", "-o", str(out), "--no-color"])
    assert rc == 1  # bar() is not in v2
    names = sorted(p.name for p in (out / "v2").iterdir())
    assert names == ["0000-cover-letter.txt", "0001-lib-first-fix.patch", "0002-lib-second-fix.patch", "v2.mbx"]
    first, second = ((out / "v2" / n).read_text() for n in names[1:3])
    assert (out / "v2" / "v2.mbx").read_text() == first + second
    assert "Subject: [PATCH v2 1/2] lib: first fix\n" in first and "From: A U Thor <author@example.org>\n" in first
    assert "Subject: [PATCH v2 2/2] lib: second fix\n" in second
    assert "NEEDS REVIEW: lib/a.c hunk #2: missing, LEFT OUT of this patch: bar() is not" in second.split("\n---\n", 1)[1]
    cover = (out / "v2" / names[0]).read_text()
    assert "Subject: [PATCH v2 0/2] *** NEEDS REVIEW *** backport of 2 patches to v2\n" in cover
    assert "*** NEEDS REVIEW: 1 item(s) need a human before this series is sent ***" in cover
    assert "  [2/2] lib/a.c hunk #2: missing, LEFT OUT of this patch" in cover
    assert "  [1/2] lib: first fix: 1 offset\n" in cover
    assert "A U Thor (2):\n  lib: first fix\n  lib: second fix\n" in cover
    assert " lib/a.c | 4 ++--\n 1 file changed, 2 insertions(+), 2 deletions(-)\n" in cover
    run = am(repo, "v2", sorted((out / "v2").glob("*.patch")), tmp_path / "clone")  # the cover letter is no *.patch
    assert run.returncode == 0, run.stderr
    log = git(tmp_path / "clone", "log", "--format=%an|%s", "v2..")
    assert log == "A U Thor|lib: second fix\nA U Thor|lib: first fix\n"


def test_subject_prefix_and_signoff(two_patch_repo, tmp_path, monkeypatch):
    repo, mbox = two_patch_repo
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", str(tmp_path / "gitconfig"))
    (tmp_path / "gitconfig").write_text("[user]\n\tname = Stable Porter\n\temail = porter@example.org\n")
    out = tmp_path / "out"
    main(["port", str(mbox), "--repo", str(repo), "--base", "v1", "--to", "v2", "-o", str(out), "--no-color",
          "--subject-prefix", "PATCH 2.0", "--signoff"])
    first = (out / "v2" / "0001-lib-first-fix.patch").read_text()
    assert "Subject: [PATCH 2.0 1/2] lib: first fix\n" in first
    assert "Signed-off-by: A U Thor <author@example.org>\nSigned-off-by: Stable Porter <porter@example.org>\n" in first
    assert "From: Stable Porter <porter@example.org>\n" in (out / "v2" / "0000-cover-letter.txt").read_text()


# ---------------------------------------------------------------------------
# units


def _result(upstream=None, author="Jörg Rödel <joro@example.org>", verdict=Verdict.EXACT):
    meta = PatchMeta(author=author, date="Mon, 1 Jan 2024 10:00:00 +0100", subject="x: fix the thing",
                     body="Fix it.\n\nSigned-off-by: Jörg Rödel <joro@example.org>\n", upstream=upstream)
    patch = Patch(meta=meta, files=())
    diff = "diff --git a/x.c b/x.c\n--- a/x.c\n+++ b/x.c\n@@ -1 +1 @@\n-a\n+b\n"
    hunk = HunkResult("x.c", 1, verdict, "why", Place("x.c", None, 1, 1), Place("x.c", None, 1, 1), "ref", "regen")
    target = TargetResult("v6.1", None, (hunk,), diff, (Check("git apply --check", True),))
    return PortResult(patch, "v6.6", None, (), patch, (target,))


@pytest.mark.parametrize("style, line", [("commit", "commit 0123456789abcdef0123456789abcdef01234567 upstream."),
                                         ("bracket", "[ Upstream commit 0123456789abcdef0123456789abcdef01234567 ]")])
def test_upstream_style(style, line):
    r = _result(upstream="0123456789abcdef0123456789abcdef01234567")
    text = mail(r, r.targets[0], prefix="PATCH 6.1.y", signoff=None, upstream_style=style)
    assert text.split("\n\n", 2)[1] == line


def test_non_ascii_author_is_encoded_and_read_back(tmp_path):
    r = _result()
    path = tmp_path / "m.patch"
    path.write_bytes(mail(r, r.targets[0], prefix="PATCH", signoff=None).encode())
    text = path.read_text()
    assert "From: =?utf-8?" in text and "Content-Type: text/plain; charset=UTF-8" in text
    info, msg, _ = mailinfo(path, tmp_path)
    assert info["Author"] == "Jörg Rödel" and info["Email"] == "joro@example.org"
    assert "Signed-off-by: Jörg Rödel <joro@example.org>" in msg


@pytest.mark.parametrize("given, expected, placeholder", [
    ("Hugh Dickins", "Hugh Dickins <hugh.dickins@unknown.invalid>", True),
    ("Hugh Dickins <hughd@google.com>", "Hugh Dickins <hughd@google.com>", False),
    ('"zhaowuyun@xxxxxxxxxxxx" <zhaowuyun@xxxxxxxxxxxx>', "zhaowuyun <zhaowuyun@unknown.invalid>", True),
    ("", "Unknown <unknown@unknown.invalid>", True),
])
def test_author_placeholder(given, expected, placeholder):
    a = author_of(given)
    assert (str(a), a.placeholder) == (expected, placeholder)


def test_conflict_placed_hunk_is_marked_included():
    r = _result(verdict=Verdict.CONFLICT)
    below = mail(r, r.targets[0], prefix="PATCH", signoff=None).split("\n---\n", 1)[1]
    assert below.startswith("[ backport: NEEDS REVIEW: x.c hunk #1: conflict, included, check it: why ]\n")


def test_body_line_that_git_am_would_cut_at_is_flagged():
    r = _result()
    meta = PatchMeta(author=r.patch.meta.author, date=r.patch.meta.date, subject="x: y",
                     body="Before.\n---\nAfter, lost by git am.\n")
    patch = Patch(meta=meta, files=())
    r = PortResult(patch, "v6.6", None, (), patch, r.targets)
    text = mail(r, r.targets[0], prefix="PATCH", signoff=None)
    assert "[ backport: NEEDS REVIEW: git am ends the commit message at the body line `---`; edit the body ]" in text
