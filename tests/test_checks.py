"""Checks of a port against the target (verify), the verdict rule (judge) and --check-cmd."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from backport import verify
from backport.judge import Facts, Placed, judge
from backport.model import Finding, FindingKind, Rename, Severity, Verdict
from backport.tree import DirTree

CASES = Path(__file__).resolve().parent / "cases"
PLACED = Placed(None, (), False, True, 0, False)


def _f(severity: Severity, kind=FindingKind.UNDEFINED, message="m") -> Finding:
    return Finding(kind, severity, message)


# --- judge: a verdict is never better than its evidence ----------------------------------

@pytest.mark.parametrize("placed", [
    PLACED, Placed(None, (), False, True, 7, False), Placed(None, (), False, True, 0, True),
    Placed(None, (), False, False, 0, False), Placed(None, (Rename("a", "b", ()),), False, True, 0, False),
    Placed("f() now lives in x.c", (), False, True, 0, False), Placed(None, (), True, False, 0, False)])
def test_no_review_finding_under_a_clean_verdict(placed):
    clean = judge(Facts((_f(Severity.INFO),), False, placed))
    assert clean.verdict.clean and clean.warnings == ("m",)
    flagged = judge(Facts((_f(Severity.INFO), _f(Severity.REVIEW, message="x may not build")), False, placed))
    assert flagged.verdict is Verdict.CONFLICT
    assert flagged.reason == "placed, but x may not build (review the added lines)"


def test_judge_order():
    absent = Finding(FindingKind.ABSENT, Severity.BLOCK, "f() is not in the target tree")
    assert judge(Facts((absent,), True, None)).verdict is Verdict.MISSING
    assert judge(Facts((), True, None)).verdict is Verdict.ALREADY_APPLIED
    blocked = judge(Facts((_f(Severity.BLOCK, FindingKind.PLACEMENT, "no place"), _f(Severity.INFO, message="i")),
                          False, None))
    assert (blocked.verdict, blocked.reason, blocked.warnings) == (Verdict.CONFLICT, "no place", ("i",))
    assert judge(Facts((), False, None)).verdict is Verdict.CONFLICT  # nothing placed is never clean
    assert judge(Facts((), False, PLACED)).verdict is Verdict.EXACT
    merged = judge(Facts((), False, Placed(None, (), False, True, 0, False, "3-way merge")))
    assert merged.verdict is Verdict.DRIFTED and "3-way merge" in merged.reason


# --- the line lexer -------------------------------------------------------------

def test_dereference_is_code_not_a_comment():
    assert verify.code_of("\t*p = x;") == "\t*p = x;"
    assert verify.code_of("\t * x is a comment") == ""
    assert verify.code_of("\t */") == ""
    assert verify.used_symbols(["\t*len = foo_fifo_depth(priv);"])[0] >= {"len", "foo_fifo_depth", "priv"}
    assert "a" not in verify.used_symbols(["\tif (c == 'a')"])[0]


# --- C dialect ------------------------------------------------------------------

def _tree(tmp_path: Path, files: dict[str, str], name: str = "t") -> DirTree:
    root = tmp_path / name
    for path, text in files.items():
        (root / path).parent.mkdir(parents=True, exist_ok=True)
        (root / path).write_text(text)
    root.mkdir(exist_ok=True)
    return DirTree(str(root))


def test_dialect_from_makefile_then_version(tmp_path):
    assert verify.c_dialect(_tree(tmp_path, {"Makefile": "VERSION = 6\nPATCHLEVEL = 1\n\tstd=x -std=gnu89\n"}, "a")) == "gnu89"
    assert verify.c_dialect(_tree(tmp_path, {"Makefile": "VERSION = 5\nPATCHLEVEL = 10\nSUBLEVEL = 1\n"}, "b")) == "gnu89"
    assert verify.c_dialect(_tree(tmp_path, {"Makefile": "VERSION = 5\nPATCHLEVEL = 18\n"}, "c")) == "gnu11"
    assert verify.c_dialect(_tree(tmp_path, {}, "v5.4.100")) == "gnu89"
    assert verify.c_dialect(_tree(tmp_path, {}, "v6.1.190")) == "gnu11"


def test_loop_declaration_only_flagged_for_gnu89():
    added = ("\tfor (int i = 0; i < n; i++)",)
    assert verify.dialect_findings(added, "gnu11") == []
    [found] = verify.dialect_findings(added, "gnu89")
    assert found.severity is Severity.REVIEW and found.kind is FindingKind.DIALECT
    assert verify.dialect_findings(("\tfor (i = 0; i < n; i++)",), "gnu89") == []
    assert verify.dialect_findings(("\t/* for (int i = 0; ...) */",), "gnu89") == []


# --- declarations -----------------------------------------------------------------

def test_declared_locals():
    got = verify.declared_locals(["\tu8 cgx_id, lmac_id;", "\tstruct foo *p = NULL, *q;", "\tx = y;",
                                   "\tfoo(a, b);", "\treturn ret;", "\tchar buf[16] = {0};", "\tgoto out;"])
    assert got == {"cgx_id", "lmac_id", "p", "q", "buf"}


def test_what_the_hunk_declares_is_not_new_api():
    h = verify.HunkCode(1, None, ("static void tg_release(struct rcu_head *rcu)", "{", "\tint n = 0;",
                                  "#define FOO_MAX(x) ((x) + 1)", "\tFOO_BAD = 0x4,", "out_free:", "\treturn FOO_NEW;"))
    declared = verify.declared_names(h)
    assert {"tg_release", "n", "FOO_MAX", "FOO_BAD", "out_free"} <= declared
    assert "FOO_NEW" not in declared


def test_removal_definitions_still_present():
    assert verify.still_defined(["\tbool was_running;"], ["\tbool was_running = fd->running;"]) == {"was_running"}
    assert verify.still_defined(["\tbool was_running;"], ["\tif (fd->was_running)"]) == set()
    assert verify.still_defined(["#define FOO_DELAY 100"], ["#define FOO_DELAY\t200"]) == {"FOO_DELAY"}


# --- the golden cases of these checks, through the pipeline -----------------------------

@pytest.mark.parametrize("case,kind", [
    ("struct-member-gone-in-target", "has no member `i_mtime` in the target"),
    ("for-loop-declaration-gnu89", "gnu89"),
    ("early-return-skips-cleanup", "goto out_free"),
    ("fix-renames-a-local-the-target-still-uses", "removes the declaration of `len`"),
])
def test_finding_is_the_reason(case, kind):
    from backport.ingest import read_patches
    from backport.pipeline import port
    d = CASES / case
    result = port(read_patches(str(d / "patch.diff"))[0], DirTree(str(d / "base")), [DirTree(str(d / "target"))])
    [hunk] = result.targets[0].hunks
    assert hunk.verdict is Verdict.CONFLICT and kind in hunk.reason and hunk.regenerated


def test_clean_port_stays_clean_without_the_target_fact(tmp_path):
    """The same struct-member fix on a target whose struct still has the member is exact."""
    from backport.ingest import read_patches
    from backport.pipeline import port
    d = CASES / "struct-member-gone-in-target"
    result = port(read_patches(str(d / "patch.diff"))[0], DirTree(str(d / "base")), [DirTree(str(d / "base"))])
    assert [h.verdict for h in result.targets[0].hunks] == [Verdict.EXACT]


# --- --check-cmd ---------------------------------------------------------------------

def _port(tmp_path: Path, case: str, check: str) -> tuple[subprocess.CompletedProcess, dict]:
    d = CASES / case
    out, report = tmp_path / "out", tmp_path / "r.json"
    run = subprocess.run([sys.executable, "-m", "backport.cli", "port", str(d / "patch.diff"), "--base", str(d / "base"),
                          "--to", str(d / "target"), "-o", str(out), "--json", str(report), "--no-color",
                          "--check-cmd", check], capture_output=True, text=True, env=dict(os.environ, NO_COLOR="1"))
    return run, json.loads(report.read_text())


def _checks(report: dict) -> list[dict]:
    return [c for p in report["patches"] for t in p["targets"] for c in t["checks"] if c["name"] == "check-cmd"]


def test_check_cmd_pass_keeps_exit_0_and_sees_the_patch(tmp_path):
    seen = tmp_path / "seen"
    run, report = _port(tmp_path, "offset-lines-moved",
                        f'grep -q "file->private_data = NULL" "$BACKPORT_PATCH" && echo "$BACKPORT_TARGET" > {seen}')
    assert run.returncode == 0, run.stdout + run.stderr
    [check] = _checks(report)
    assert check["ok"] and seen.read_text().strip().endswith("target")


def test_check_cmd_failure_makes_the_target_need_review(tmp_path):
    run, report = _port(tmp_path, "offset-lines-moved", "echo 'widget.o: error: boom' >&2; exit 3")
    assert run.returncode == 1, run.stdout + run.stderr
    [check] = _checks(report)
    assert not check["ok"] and "exited 3" in check["detail"] and "boom" in check["detail"]


# --- the 3-way merge fallback ------------------------------------------------------------

def test_merge_hunk_places_only_the_hunks_lines(tmp_path):
    from backport.locate import Block, Edit
    from backport.merge import merge_hunk
    base = "".join(f"line {i};\n" for i in range(1, 21))
    target = base.replace("line 2;\n", "line two;\n").replace("line 19;\n", "")
    block = [Block(11, (), ("added;",))]
    assert merge_hunk(base, target, block, str(tmp_path)) == (Edit(11, 0, ("added;",)),)
    clash = base.replace("line 10;\n", "line ten;\n").replace("line 11;\n", "line eleven;\n")
    assert merge_hunk(base, clash, block, str(tmp_path)) is None  # the target changed the same place
    removal = [Block(5, ("line 5;",), ("line five;",))]
    assert merge_hunk(base, target, removal, str(tmp_path)) == (Edit(5, 1, ("line five;",)),)
    assert not list(tmp_path.iterdir())  # nothing left behind in the scratch directory


# --- git apply --check from the repository's objects ---------------------------------------

def _stored_repo(tmp_path: Path) -> Path:
    from conftest import git, make_repo
    repo = make_repo(tmp_path / "repo", {"v1": {"a/f.c": "int f(void)\n{\n\treturn 0;\n}\n", "g\tname.c": "x\n"}})
    git(repo, "config", "core.splitIndex", "true")  # would write sharedindex.* beside the user's index
    return repo


def _tree_state(repo: Path) -> dict[str, bytes]:
    return {str(p.relative_to(repo)): p.read_bytes() for p in sorted(repo.rglob("*")) if p.is_file()}


@pytest.mark.parametrize("removed, ok", [("\treturn 0;", True), ("\treturn 1;", False)])
def test_apply_check_reads_the_target_from_objects(tmp_path, monkeypatch, removed, ok):
    """A git target's files are checked through an index in the scratch directory: no copy of a
    file is written, and nothing in the repository (index, split index files) is touched."""
    from backport.tree import GitTree, Repository
    repo = _stored_repo(tmp_path)
    before = _tree_state(repo)
    tree = GitTree(Repository(str(repo)), "v1")
    diff = f"--- a/a/f.c\n+++ b/a/f.c\n@@ -2,3 +2,3 @@\n {{\n-{removed}\n+\treturn 2;\n }}\n"
    scratch = tmp_path / "scratch"
    scratch.mkdir()
    monkeypatch.setattr(Path, "write_bytes", lambda *a: pytest.fail("a copy of a stored file was written"))
    check = verify.apply_check(diff, {"a/f.c": tree.read("a/f.c") or ""}, str(scratch), tree)
    assert check.ok is ok, check.detail
    assert ok or "patch failed" in check.detail or "does not apply" in check.detail
    assert _tree_state(repo) == before
    assert list(scratch.iterdir()) == []  # (the index went with the check's own directory)


def test_apply_check_of_a_changed_text_uses_copies(tmp_path):
    """A file a series changed is not in the object store: it is checked on a copy."""
    from backport.overlay import OverlayTree
    from backport.tree import GitTree, Repository
    repo = _stored_repo(tmp_path)
    tree = OverlayTree(GitTree(Repository(str(repo)), "v1"))
    tree.update({"a/f.c": "int f(void)\n{\n\treturn 1;\n}\n"})
    assert tree.stored("a/f.c") is None and tree.stored("g\tname.c") is not None
    diff = "--- a/a/f.c\n+++ b/a/f.c\n@@ -2,3 +2,3 @@\n {\n-\treturn 1;\n+\treturn 2;\n }\n"
    scratch = tmp_path / "scratch"
    scratch.mkdir()
    assert verify.apply_check(diff, {"a/f.c": tree.read("a/f.c") or ""}, str(scratch), tree).ok


# --- re-parse: ERROR nodes the reference change adds in the base are allowed in the target ---------

_MACRO_LINE = "\tlist_for_each_entry_safe(p, n, &head, list) frob(p)\n"  # no ';': tree-sitter gives up


def _errors(text: str) -> dict[str, int]:
    from backport.cparse import function_errors
    return function_errors(text)


def test_reparse_allows_the_growth_the_base_change_had():
    from backport.cparse import parse
    before_text = "int f(int v)\n{\n\tv++;\n\treturn v;\n}\n"
    after_text = before_text.replace("\tv++;\n", "\tv++;\n" + _MACRO_LINE)
    before, after = parse(before_text), _errors(after_text)
    more = verify.grown(before, after, {"f"})
    assert more and more["f"] > 0  # the added line confuses tree-sitter
    assert verify.reparse_check("x.c", before, after, {"f"}, dict(more)).ok  # as much as in the base
    worse = verify.reparse_check("x.c", before, after, {"f"}, {})
    assert not worse.ok and worse.detail.startswith("ERROR nodes grew in f() 0 -> ")
    assert verify.grown(before, _errors(before_text), {"f"}) == {}  # nothing grew: no base parse needed
