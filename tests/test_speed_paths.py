"""The fast paths give the answers the slow ones gave.

* definitions searched near the hunk first (its directory, the ones above up to
  its subsystem, include/) find what the whole-tree regex grep finds there, and
  nothing farther;
* the worker pool of ``backport batch --jobs N`` keeps job order, survives a
  worker that dies (segfault, exit) and gives the same output as one process;
* the history skips ``git log -L`` on an empty range without changing the lines.
"""
from __future__ import annotations

import json
import os
import re
import signal

import pytest

from backport import batch, history
from backport.cli import main
from backport.locate import definition_pattern
from backport.sources import Sources, searched
from backport.tree import DirTree, GitTree, Repository
from conftest import SEED, git, make_repo

FILES = {
    "mm/memory.c": "int caller(void)\n{\n\treturn moved_here() + far_away();\n}\n",
    "mm/mmu_gather.c": "bool moved_here(void)\n{\n\treturn true;\n}\n",
    "mm/sub/deep.c": "static int deep_one(int a,\n\t\t    int b)\n{\n\treturn a + b;\n}\n",
    "include/linux/inline.h": "static inline int in_header(int x)\n{\n\treturn x;\n}\nint proto_only(int);\n",
    "drivers/net/ethernet/acme/main.c": "int acme_probe(void)\n{\n\treturn in_parent();\n}\n",
    "drivers/net/core.c": "int in_parent(void)\n{\n\treturn 0;\n}\n",
    "drivers/gpu/other.c": "int far_drivers(void)\n{\n\treturn proto_only(1);\n}\n",
    "kernel/far.c": "int far_away(void)\n{\n\treturn 1;\n}\n/* in_header() is mentioned, not defined */\n",
    "arch/x86/lib/asm.c": "void arch_thing(void)\n{\n}\n",
    "lib/twice.c": "int twice(void)\n{\n\treturn 2;\n}\n",
    "mm/twice.c": "int twice(void)\n{\n\treturn 3;\n}\n",
}
NAMES = ["moved_here", "deep_one", "in_header", "in_parent", "far_drivers", "far_away", "arch_thing",
         "proto_only", "caller", "nowhere_at_all", "acme_probe", "twice"]
NEAR = ["mm/memory.c", "drivers/net/ethernet/acme/main.c", "include/linux/x.h", "arch/x86/mm/f.c", "top.c"]


@pytest.fixture(scope="module")
def trees(tmp_path_factory):
    root = tmp_path_factory.mktemp("defs")
    repo = make_repo(root / "linux", {"v1": FILES})
    plain = root / "plain"
    for rel, text in FILES.items():
        (plain / rel).parent.mkdir(parents=True, exist_ok=True)
        (plain / rel).write_text(text)
    return GitTree(Repository(str(repo)), "v1"), DirTree(str(plain))


def whole_tree(tree, name: str, near: str) -> list[str]:
    """The slow answer: one regex grep of the whole tree, the near folder first; of it, the
    definitions inside the file's subsystem (``home``) and include/, which is where a function
    is looked for."""
    hits = tree.grep(definition_pattern(name), paths=("*.c", "*.h"))
    folder = near.rsplit("/", 1)[0]
    areas = tuple(f"{d}/" for d in searched(near))
    return sorted(dict.fromkeys(p for p, _, _ in hits if p.startswith(areas)),
                  key=lambda p: (not p.startswith(folder), p))


@pytest.mark.parametrize("near", NEAR)
def test_narrowed_definitions_are_the_whole_tree_ones(trees, near):
    for tree in trees:
        for name in NAMES:
            fast = list(Sources(tree).definitions(name, near))
            assert sorted(fast) == sorted(whole_tree(tree, name, near)), (type(tree).__name__, name)
            if len(fast) == 1:
                assert fast == whole_tree(tree, name, near)


def test_nearest_definition_comes_first(trees):
    for tree in trees:
        assert next(iter(Sources(tree).definitions("twice", "mm/memory.c"))) == "mm/twice.c"
        assert next(iter(Sources(tree).definitions("twice", "lib/x.c"))) == "lib/twice.c"
        assert list(Sources(tree).definitions("proto_only", "mm/memory.c")) == []  # a prototype is no definition
        assert list(Sources(tree).definitions("nowhere_at_all", "mm/memory.c")) == []


def test_search_stops_when_the_caller_has_its_answer(trees):
    tree = trees[0]
    seen = []
    real = tree.grep

    def spy(pattern, **kw):
        seen.append(kw["paths"])
        return real(pattern, **kw)

    tree.grep = spy
    try:
        assert next(iter(Sources(tree).definitions("moved_here", "mm/memory.c"))) == "mm/mmu_gather.c"
        assert seen == [("mm/*.c", "mm/*.h")]
        assert list(Sources(tree).definitions("far_away", "mm/memory.c")) == []  # kernel/ is not mm's
        assert seen[-2:] == [("mm/*.c", "mm/*.h"), ("include/*.c", "include/*.h")]  # and no further
        assert list(Sources(tree).definitions("far_away", "kernel/x.c")) == ["kernel/far.c"]
    finally:
        del tree.grep


# ---------------------------------------------------------------------------
# the pool (run in other processes: these functions are pickled by name)


def _setup(tag):
    return {"tag": tag, "count": 0}


def _run(task, state):
    index, action = task
    state["count"] += 1
    if action == "segv":
        os.kill(os.getpid(), signal.SIGSEGV)
    if action == "exit":
        os._exit(3)
    return {"index": index, "pid": os.getpid(), "seen": state["count"], "tag": state["tag"]}


def _lost(task, how):
    return {"index": task[0], "lost": how}


def _term(task, state):
    if task[1] == "term":
        os.kill(os.getpid(), signal.SIGTERM)
    import sys
    return {"index": task[0], "inherited": "backport.runner" in sys.modules}


def test_forked_workers_start_with_the_parents_modules_and_default_signals():
    """Workers are forked: they have what the parent imported (no second import of the port's
    modules), and SIGTERM ends a worker even while the parent has a handler for it."""
    import backport.runner  # noqa: F401 - as run_batch imports it before the pool
    old = signal.signal(signal.SIGTERM, lambda *a: None)
    try:
        results = batch.pool([(0, "ok"), (1, "term"), (2, "ok")], 2, _term, _setup, ("t",),
                             key=lambda t: t[0], lost=_lost)
    finally:
        signal.signal(signal.SIGTERM, old)
    assert results[0]["inherited"] and results[2]["inherited"]
    assert results[1]["lost"] == "was killed by SIGTERM"


def test_pool_keeps_order_and_survives_dying_workers():
    actions = ["ok", "segv", "ok", "ok", "exit", "ok", "ok", "segv", "ok", "ok"]
    tasks = list(enumerate(actions))
    results = batch.pool(tasks, 2, _run, _setup, ("t",), key=lambda t: t[0] % 3, lost=_lost)
    assert [r["index"] for r in results] == list(range(len(actions)))
    for r, action in zip(results, actions):
        if action == "segv":
            assert r["lost"] == "was killed by SIGSEGV"
        elif action == "exit":
            assert r["lost"] == "exited with status 3"
        else:
            assert r["tag"] == "t" and "lost" not in r
    assert max(r.get("seen", 0) for r in results) >= 2  # a worker's state is kept between tasks


def test_pool_gives_a_group_to_one_worker_while_others_are_busy():
    tasks = [(i, "ok") for i in range(6)]
    results = batch.pool(tasks, 1 + 1, _run, _setup, ("g",), key=lambda t: "one", lost=_lost)
    assert [r["index"] for r in results] == list(range(6))


def _jobs(tmp_path, repo, tags, extra=()):
    jobs = tmp_path / "jobs.jsonl"
    lines = [{"id": f"seed-{t}", "patch": str(SEED), "repo": str(repo), "base": "v4.9.117", "to": [t]}
             for t in tags] + list(extra)
    jobs.write_text("".join(json.dumps(j) + "\n" for j in lines))
    return jobs


def _tree_text(root):
    out = {}
    for path in sorted(root.rglob("*")):
        if path.is_file():
            text = path.read_text(errors="replace").replace(str(root), "OUT")
            if path.name == "batch.json":
                text = re.sub(r'"seconds": [0-9.e-]+', '"seconds": 0', text)
            out[str(path.relative_to(root))] = text
    return out


def test_batch_with_workers_writes_what_one_process_writes(demo_repo, tmp_path):
    repo, tags = demo_repo
    extra = [{"id": "no-such-patch", "patch": str(tmp_path / "none.patch"), "repo": str(repo), "to": ["v4.14"]}]
    jobs = _jobs(tmp_path, repo, [t for t in tags[1:4]], extra)
    rc1 = main(["batch", str(jobs), "-o", str(tmp_path / "one"), "--jobs", "1"])
    rc2 = main(["batch", str(jobs), "-o", str(tmp_path / "two"), "--jobs", "2"])
    assert rc1 == rc2 == 2
    one, two = _tree_text(tmp_path / "one"), _tree_text(tmp_path / "two")
    assert one == two
    summary = json.loads(one["batch.json"])["jobs"]
    assert [j["id"] for j in summary] == [f"seed-{t}" for t in tags[1:4]] + ["no-such-patch"]
    assert summary[-1]["status"] == "error"


# ---------------------------------------------------------------------------
# history


def test_history_on_an_empty_range_is_empty_and_the_other_side_unchanged(tmp_path):
    body = "int f(int a)\n{\n\treturn a;\n}\n"
    repo = make_repo(tmp_path / "r", {"base": {"x.c": body}})
    git(repo, "checkout", "-q", "-b", "side")
    (repo / "x.c").write_text(body.replace("return a;", "return a + 1;"))
    git(repo, "commit", "-q", "-am", "x: drift in f")
    git(repo, "tag", "target")
    r = Repository(str(repo))
    lines = history.function_history(GitTree(r, "base"), GitTree(r, "target"), [("x.c", "f", "x.c")])
    assert len(lines) == 1 and lines[0].endswith("x: drift in f (drift in the target)")
    assert lines[0].startswith("x.c f(): ")


# ---------------------------------------------------------------------------
# arity: read around the hits, not whole files


def test_arity_lookup_around_hits_equals_whole_files(tmp_path):
    from backport import arity
    files = {
        "drivers/x/api.h": "#ifndef X\n#define X\nstatic inline int\nx_two(int a,\n      int b)\n{\n\treturn a;\n}\n"
                           "int x_one(void *p);\nvoid x_var(const char *fmt, ...);\n#endif\n",
        "drivers/x/core.c": "/* x_two(a, b) is fast */\n" + "int filler;\n" * 50
                            + "long\nx_three(struct a *a,\n\tstruct b *b,\n\tint c)\n{\n\treturn x_one(a);\n}\n",
    }
    for rel, text in files.items():
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text(text)
    names = {"x_two", "x_one", "x_three", "x_var", "x_absent"}
    found = arity.lookup(DirTree(str(tmp_path)), names, [], ("drivers/x",))
    assert found == arity.prototypes(list(files.values()), names)
    assert found == {"x_two": 2, "x_one": 1, "x_three": 3}


def test_arity_lookup_skips_what_a_symbol_search_found_nowhere(trees):
    """A name ``words`` found nowhere under the directories is left out of the search (it gives
    no hit), and the search is not made when only such names are needed; the counts read are
    the ones a fresh repository finds, and the fixed-string search selects the ERE's lines."""
    from backport import arity
    tree = trees[0]
    greps = []
    real = tree.repo.grep_iter

    def spy(commit, pattern, paths, word, fixed):
        greps.append(pattern)
        return real(commit, pattern, paths, word, fixed)

    tree.repo.grep_iter = spy
    try:
        assert not tree.absent("nowhere_at_all", ("mm/*.h", "include/linux/*.h"))  # nothing known yet
        assert tree.words(["nowhere_at_all", "proto_only"], ("include", "mm")) == {"proto_only"}
        assert tree.absent("nowhere_at_all", ("mm/*.h", "include/linux/*.h", "mm/*.c"))
        assert not tree.absent("proto_only", ("include/linux/*.h",))  # it is there
        assert not tree.absent("nowhere_at_all", ("kernel/*.c",))  # not searched there
        assert not tree.absent("nowhere_at_all", (":(exclude)include",))
        near = ("include/linux", "mm")
        assert arity.lookup(tree, {"nowhere_at_all"}, [], near, needed={"nowhere_at_all"}) == {}
        assert greps == []
        found = arity.lookup(tree, {"nowhere_at_all", "proto_only", "in_header"}, [], near)
        assert greps == ["in_header\nproto_only"]
        fresh = GitTree(Repository(str(tree.repo.path)), "v1")
        assert found == arity.lookup(fresh, {"nowhere_at_all", "proto_only", "in_header"}, [], near)
        assert found == {"proto_only": 1, "in_header": 1}
        paths = ("include/linux/*.h", "mm/*.c", "kernel/*.c", "drivers/*.c")
        names = ["in_header", "moved_here", "far_away", "in_parent"]
        assert fresh.grep("\n".join(names), paths=paths, word=True, fixed=True) \
            == fresh.grep("|".join(names), paths=paths, word=True, fixed=False) != []
    finally:
        tree.repo.grep_iter = real


def test_overlay_grep_reads_a_fixed_string_a_line(trees):
    from backport.overlay import OverlayTree
    over = OverlayTree(trees[0])
    over.update({"mm/new.c": "int a = in_header(1);\nint b = moved_here();\nint c = twice();\n"})
    hits = over.grep("in_header\nmoved_here", paths=("mm/*.c",), word=True, fixed=True)
    assert sorted((p, n) for p, n, _ in hits) == [("mm/memory.c", 3), ("mm/mmu_gather.c", 1), ("mm/new.c", 1),
                                                  ("mm/new.c", 2)]
    assert not over.absent("nowhere_at_all", ("mm",))  # the overlay's own files may hold any name


def test_a_streamed_search_of_another_commit_answers_for_the_files_both_share(tmp_path):
    """A search stopped early in one commit (a struct's first body, an arity lookup's 40 files)
    gives another commit its hits in the files the two share; only the files that differ are
    searched there, and past where the first stopped the commit's own search gives the rest:
    every prefix read is the one a fresh repository reads, and so is the whole."""
    import itertools
    from contextlib import closing
    heads = {f"include/linux/h{i:02}.h": f"struct s{i} {{\n\tint a;\n}};\nstruct s *p{i};\n" for i in range(30)}
    heads["include/linux/h05.h"] += "struct s {\n\tint one;\n};\n"
    moved = {**heads, "include/linux/h03.h": "struct s *first;\n", "include/linux/h20.h": "struct s {\n\tint two;\n};\n"}
    repo = make_repo(tmp_path / "r", {"v1": heads, "v2": {**moved, "include/linux/h05.h": "/* gone */\n"},
                                      "v3": {**heads, "include/linux/h29.h": "struct s *last;\n"}})
    fresh = Repository(str(repo))
    for stop in (1, 3, 8, None):
        r = Repository(str(repo))
        streams = []
        real = r._stream

        def spy(key, real=real, streams=streams):
            streams.append(key[2])
            return real(key)

        r._stream = spy
        for tag in ("v1", "v2", "v3", "v2"):
            commit = r.resolve(tag)
            args = (commit, "struct s", ("include/*.h",), True, True)
            with closing(r.grep_iter(*args)) as hits:
                got = list(itertools.islice(hits, stop)) if stop else list(hits)
            want = list(fresh.grep_iter(*args))
            assert got == (want[:stop] if stop else want), (stop, tag)
        assert any(p[0].startswith(":(literal)") for p in streams[1:])  # the differing files alone, at least once
        assert streams[0] == ("include/*.h",)


# ---------------------------------------------------------------------------
# diffstat: Python where it can, byte for byte what git apply --stat prints


def _file_diff(name: str, added: int, deleted: int) -> str:
    body = "".join(f"-old {i}\n" for i in range(deleted)) + "".join(f"+new {i}\n" for i in range(added))
    return (f"diff --git a/{name} b/{name}\nindex 1111111..2222222 100644\n--- a/{name}\n+++ b/{name}\n"
            f"@@ -1,{deleted + 1} +1,{added + 1} @@\n ctx\n{body}")


@pytest.mark.parametrize("files", [
    [("mm/a.c", 1, 0)],
    [("mm/a.c", 0, 3), ("mm/b.c", 2, 2)],
    [("drivers/gpu/drm/amd/display/dc/core/dc_link_enc_cfg_long_name.c", 3, 1), ("mm/x.c", 120, 40)],
    [("a" * 60 + ".c", 5, 5), ("b/" + "c" * 70 + ".h", 1, 0)],
    [("kernel/sched/core.c", 400, 0), ("kernel/sched/fair.c", 1, 399)],
])
def test_python_diffstat_is_gits(files):
    import subprocess

    from backport import series
    from conftest import ROOT
    diff = "".join(_file_diff(*f) for f in files)
    assert series.plain_counts(diff) is not None
    run = subprocess.run(["git", "apply", "--stat", "--summary", "-"], input=diff.encode(), capture_output=True,
                         cwd=ROOT)
    assert run.returncode == 0
    assert series.diffstat(diff) == run.stdout.decode()


def test_diffstat_leaves_other_changes_to_git():
    from backport import series
    created = "diff --git a/n.c b/n.c\nnew file mode 100644\n--- /dev/null\n+++ b/n.c\n@@ -0,0 +1 @@\n+x\n"
    assert series.plain_counts(created) is None
    assert "create mode 100644 n.c" in series.diffstat(created)


# ---------------------------------------------------------------------------
# word lookups are answered once per commit and paths


def test_words_are_looked_up_once_per_commit_and_paths(trees):
    tree = trees[0]
    repo, commit = tree.repo, tree.commit
    calls = []
    real = repo._words

    def spy(c, names, paths):
        calls.append((names, paths))
        return real(c, names, paths)

    repo._words = spy
    try:
        heads = ("mm/*.h", "include/*.h", "arch/*/include/*.h")
        assert tree.words(["far_drivers", "moved_here"], ("mm",)) == {"moved_here"}
        assert tree.words(["in_header", "nowhere_at_all"], heads) == {"in_header"}
        assert tree.words(["nowhere_at_all", "in_header"], heads) == {"in_header"}  # known: no search
        assert tree.words(["moved_here", "caller"], ("mm",)) == {"moved_here", "caller"}  # only caller asked
        assert [c[0] for c in calls] == [("far_drivers", "moved_here"), ("in_header", "nowhere_at_all"), ("caller",)]
        fresh = Repository(str(repo.path))
        for names, paths in ((["far_drivers"], ("mm",)), (["in_header", "nowhere_at_all"], heads)):
            assert tree.words(names, paths) == fresh.words(commit, tuple(names), paths)
    finally:
        del repo._words

# ---------------------------------------------------------------------------
# fewer and cheaper git processes, the same answers


def test_a_bare_repository_is_opened_without_gitpython(tmp_path):
    """A bare repository (the bench's linux.git) is recognised as one without importing GitPython
    (its import runs `git version` twice); a linked worktree's and a subdirectory's are not."""
    from backport import tree as tree_mod
    repo = make_repo(tmp_path / "src", {"v1": {"a.c": "int a;\n"}})
    bare = tmp_path / "bare.git"
    git(tmp_path, "clone", "-q", "--bare", str(repo), str(bare))
    git(repo, "worktree", "add", "-q", str(tmp_path / "wt"), "v1")
    (repo / "sub").mkdir()
    assert tree_mod._plain_checkout(str(bare)) and tree_mod._plain_checkout(str(repo))
    assert tree_mod._plain_checkout(str(repo / ".git"))
    assert not tree_mod._plain_checkout(str(tmp_path / "wt")) and not tree_mod._plain_checkout(str(repo / "sub"))
    assert not tree_mod._plain_checkout(str(tmp_path))
    assert GitTree(Repository(str(bare)), "v1").read("a.c") == "int a;\n"


def test_struct_bodies_found_by_fixed_string_as_by_the_regex(tmp_path):
    """The struct lookup greps ``struct NAME`` as a fixed string and keeps the lines where ``{``
    follows (as the regex ``struct NAME\\s*\\{`` did): a longer tag, a declaration, a use are not it."""
    from backport import verify
    files = {"include/a/first.h": "struct ctx_more {\n\tint wrong;\n};\nstruct ctx;\nvoid f(struct ctx *c);\n",
             "include/b/second.h": "struct ctx\t{\n\tint right;\n};\n"}
    for rel, text in files.items():
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text(text)
    tree = DirTree(str(tmp_path))
    regex = [h for h in tree.grep(r"struct ctx\s*\{", paths=("include/*.h",))]
    assert [h[0] for h in regex] == ["include/b/second.h"]
    assert "int right;" in verify._StructLookup(tree, tree)._grep("target", "struct", "ctx", "mm")


def test_struct_body_read_from_the_headers_the_file_includes(tmp_path):
    """mm/memory.c's `struct vm_fault` is in include/linux/mm.h, which it includes: the struct
    lookup reads the included headers (two levels, `"x.h"` beside the includer, `<x>` in
    include/ or include/uapi/) before any `git grep` of include/; a struct no included header
    defines is still found by the search."""
    from backport import headers, verify
    from backport.cparse import parse
    files = {"drivers/qux/core.c": '#include <linux/qux.h>\n#include "local.h"\n#include <asm/qux.h>\nint x;\n',
             "drivers/qux/local.h": "#include <linux/qux_ring.h>\n",
             "include/linux/qux.h": "#include <linux/qux_types.h>\nstruct qux_dev;\n",
             "include/uapi/linux/qux_types.h": "struct qux_ctx {\n\tint right;\n};\n",
             "include/linux/qux_ring.h": "struct qux_ring {\n\tint slots;\n};\n",
             "include/linux/other.h": "struct qux_far {\n\tint far;\n};\n"}
    t = GitTree(Repository(str(make_repo(tmp_path / "r", {"v1": files}))), "v1")
    text = t.read("drivers/qux/core.c")
    assert headers.included(t, "drivers/qux/core.c", text) == [
        "include/linux/qux.h", "drivers/qux/local.h", "include/uapi/linux/qux_types.h", "include/linux/qux_ring.h"]
    look = verify._StructLookup(t, t)
    greps = []
    real = t.grep_iter
    t.grep_iter = lambda *a, **k: greps.append(a) or real(*a, **k)  # type: ignore[method-assign]
    cfile = parse(text)
    assert "int right;" in look.body("target", "struct qux_ctx", cfile, "drivers/qux/core.c")
    assert "int slots;" in look.body("target", "struct qux_ring", cfile, "drivers/qux/core.c")
    assert greps == []
    assert "int far;" in look.body("target", "struct qux_far", cfile, "drivers/qux/core.c")
    assert greps


def test_header_search_leaves_out_the_directories_searched_near(tmp_path):
    """A name not in code near the file (its directory, include/) is then looked for in the other
    headers the file can see only (its subsystem's, include/, arch/*/include/): a private header
    of an unrelated driver is not one of them, and the near directories are excluded."""
    from backport import overlay, verify
    files = dict(FILES, **{"include/linux/c.h": "/* only_in_comment */\n", "drivers/x/far.h": "int far_header;\n",
                           "arch/x86/include/asm/a.h": "int arch_header;\n", "mm/sub/mine.h": "int mm_header;\n"})
    t = GitTree(Repository(str(make_repo(tmp_path / "r", {"v1": files}))), "v1")
    asked = []
    real, real_lines = t.words, t.word_lines
    t.words = lambda names, paths: asked.append(paths) or real(names, paths)  # type: ignore[method-assign]
    t.word_lines = lambda names, paths: asked.append(paths) or real_lines(names, paths)  # type: ignore[method-assign]
    names = {"far_header", "only_in_comment", "nowhere_at_all", "arch_header", "mm_header"}
    near = verify.Near(target=("include", "mm/sub"), paths=("mm/sub/x.c",))
    assert verify.missing_symbols(names, t, near.target, set()) == names - {"mm_header"}
    got = verify._defined_nowhere(names - {"mm_header"}, t, t, near)
    plain = DirTree(str(t.repo.path))
    assert got == verify._defined_nowhere(names - {"mm_header"}, plain, plain, near)
    assert got == {"only_in_comment", "nowhere_at_all", "far_header"}
    assert asked[-1] == ("mm/*.h", "include/*.h", "arch/*/include/*.h", ":(exclude)include", ":(exclude)mm/sub")
    assert not overlay.in_pathspecs("include/linux/c.h", asked[-1]) and not overlay.in_pathspecs("drivers/x/far.h", asked[-1])
    assert overlay.in_pathspecs("arch/x86/include/asm/a.h", asked[-1]) and overlay.in_pathspecs("mm/y.h", asked[-1])


def test_arity_target_not_searched_when_the_base_knows_no_count(monkeypatch):
    """Whether an added call's argument count differs needs both prototypes: when the base has
    none for the called name (a macro such as WARN_ON_ONCE), the target is not searched."""
    from pathlib import Path

    from backport import arity, verify
    from backport.ingest import read_patches
    from backport.pipeline import port
    case = Path(__file__).resolve().parent / "cases" / "helper-from-another-file-of-the-commit"
    looked = []
    real = arity.lookup
    monkeypatch.setattr(verify.arity, "lookup", lambda tree, *a, **k: looked.append(tree) or real(tree, *a, **k))
    base, target = DirTree(str(case / "base")), DirTree(str(case / "target"))
    [h] = port(read_patches(str(case / "patch.diff"))[0], base, [target]).targets[0].hunks
    assert looked == [base]  # qux_flush_tx_ring() has no prototype the base's headers show
    assert not any("argument(s)" in w for w in h.warnings)


def test_a_search_read_in_part_stops_and_gives_what_the_whole_one_gives(tmp_path):
    """``grep_iter`` read in part, then again in full, gives the hits of ``grep`` in order; and
    ``grep(files=N)`` holds every hit of the first N files in path order (what arity reads)."""
    files = {f"d{i % 3}/f{i:02d}.h": f"int x;\nint shared_{i};\n/* shared */ int shared;\n" for i in range(12)}
    files["é/z.h"] = "int shared;\n"
    t = GitTree(Repository(str(make_repo(tmp_path / "r", {"v1": files}))), "v1")
    whole = t.repo._run_grep(t.commit, "shared", ("*.h",), True, True, None)
    assert len(whole) == 13
    with_stop = t.grep_iter("shared", paths=("*.h",), word=True, fixed=True)
    assert [next(with_stop) for _ in range(3)] == whole[:3]
    with_stop.close()
    assert list(t.grep_iter("shared", paths=("*.h",), word=True, fixed=True)) == whole
    for n in (1, 4, 12, 20):
        part = t.grep("shared", paths=("*.h",), word=True, fixed=True, files=n)
        first = sorted({p for p, _, _ in whole})[:n]
        assert [h for h in part if h[0] in first] == [h for h in whole if h[0] in first]


def test_a_name_one_release_lacks_is_looked_for_in_the_next_only_where_it_differs(tmp_path):
    """A whole-tree word search that found a name nowhere in one commit answers it in another
    commit from the files that differ between the two: the same answers as a full search."""
    v1 = {"include/a.h": "int a;\n", "drivers/b.h": "int b;\n", "mm/c.h": "/* c */\n"}
    v2 = dict(v1, **{"drivers/b.h": "int b;\nint later_added;\n", "mm/new.h": "int also_new;\n"})
    v3 = dict(v2, **{"mm/c.h": "/* c */\nint still_nowhere_x;\n"})  # a longer word is not the name
    r = Repository(str(make_repo(tmp_path / "r", {"v1": v1, "v2": v2, "v3": v3})))
    commits = {v: GitTree(r, v).commit for v in ("v1", "v2", "v3")}
    names = ("later_added", "also_new", "still_nowhere", "int")
    paths = ("*.h", ":(exclude)include")
    asked = []
    real = r._words
    r._words = lambda c, n, p: asked.append(p) or real(c, n, p)  # type: ignore[method-assign]
    try:
        assert r.words(commits["v1"], names, paths) == {"int"}
        assert r.words(commits["v2"], names, paths) == {"later_added", "also_new", "int"}
        assert asked[-2:] == [(":(literal)drivers/b.h", ":(literal)mm/new.h"), paths]  # "int": v1 has it
        assert r.words(commits["v3"], names, paths) == {"later_added", "also_new", "int"}
    finally:
        del r._words
    fresh = Repository(str(r.path))
    for v in ("v1", "v2", "v3"):
        assert fresh.words(commits[v], names, paths) == r.words(commits[v], names, paths)


def test_a_whole_tree_grep_of_a_second_commit_reads_only_what_differs(tmp_path):
    """The same whole-tree grep on another commit: the first one's hits where the files are the
    same, the files that differ searched; hits and their order as a search of everything gives."""
    v1 = {"a/x.c": "int f(void)\n{\n}\nint g;\n", "b/y.c": "int f;\n", "c-d/z.h": "f();\n", "c/w.h": "f f\n"}
    v2 = dict(v1, **{"b/y.c": "int g;\n", "a/new.c": "void f(int);\nf(1);\n", "c/w.h": "f\n"})
    del v2["c-d/z.h"]
    r = Repository(str(make_repo(tmp_path / "r", {"v1": v1, "v2": v2})))
    paths = ("*.c", "*.h", ":(exclude)b")
    one, two = GitTree(r, "v1"), GitTree(r, "v2")
    assert one.grep("f", paths=paths, word=True, fixed=True)
    asked = []
    real = r._grep_paths
    r._grep_paths = lambda c, pat, p, w, f: asked.append(p) or real(c, pat, p, w, f)  # type: ignore[method-assign]
    try:
        got = two.grep("f", paths=paths, word=True, fixed=True)
    finally:
        del r._grep_paths
    assert asked == [(":(literal)a/new.c", ":(literal)c-d/z.h", ":(literal)c/w.h")]
    assert got == Repository(str(r.path)).grep(two.commit, "f", paths, True, True)
    assert [h[0] for h in got] == ["a/new.c", "a/new.c", "a/x.c", "c/w.h"]


WORDY = {
    "include/linux/a.h": "int in_code_one(void);\n/* in_comment_only */\nconst char *s = \"in_string_only\";\n"
                         "int in_code_one_more;\nint \x0c after_feed_only;\nint caf\u00e9_suffix in_code_two;\n",
    "include/linux/b.h": "#define in_code_two(x) (x)\nint xin_code_one;\n// in_code_three\n",
    "mm/c.h": "\tin_code_three(1); /* in_comment_only */\n",
}


def test_one_search_for_words_and_their_lines_answers_what_two_did(tmp_path):
    """``word_lines`` (one ``git grep -w -F`` of the lines) finds the names ``words`` finds, and the
    symbol check reads from its lines the names in code that a second grep of the same paths gave
    (a name only in a comment or a string is not; a line's text stops at a form feed, as the
    grep's hits have it); a second commit's search reads only the files that differ for a name
    the first found nowhere."""
    from backport import verify
    later = dict(WORDY, **{"mm/d.h": "int added_later;\n"})
    repo = make_repo(tmp_path / "r", {"v1": WORDY, "v2": later})
    plain = tmp_path / "plain"
    for rel, text in WORDY.items():
        (plain / rel).parent.mkdir(parents=True, exist_ok=True)
        (plain / rel).write_text(text)
    names = sorted(["in_code_one", "in_comment_only", "in_string_only", "in_code_two", "in_code_three",
                    "after_feed_only", "nowhere_at_all", "added_later", "caf"])
    paths = ("include", "mm")
    fresh = Repository(str(repo))
    for tree in (GitTree(Repository(str(repo)), "v1"), DirTree(str(plain))):
        seen, lines = tree.word_lines(names, paths)
        two = GitTree(fresh, "v1") if isinstance(tree, GitTree) else tree
        assert seen == two.words(names, paths) == {"in_code_one", "in_comment_only", "in_string_only", "in_code_two",
                                                   "in_code_three", "after_feed_only", "caf"}  # (git: é is no word byte)
        in_code = verify._in_code(sorted(seen), tree, paths, lines)
        assert in_code == verify._in_code(sorted(seen), two, paths) == {"in_code_one", "in_code_two", "in_code_three"}
    shared = Repository(str(repo))
    assert GitTree(shared, "v1").word_lines(names, paths)[0] == seen
    seen2, lines2 = GitTree(shared, "v2").word_lines(names, paths)  # added_later: in mm/d.h only
    assert seen2 == seen | {"added_later"} == GitTree(Repository(str(repo)), "v2").words(names, paths)
    assert "int added_later;" in lines2
    assert verify._found(names, GitTree(shared, "v2"), paths) == {"in_code_one", "in_code_two", "in_code_three",
                                                                  "added_later"}


def test_arity_stops_at_a_macro_and_takes_the_first_prototype(tmp_path):
    """The arity lookup reads the files in path order and stops once every name has a count or
    is a variadic macro: a function-like macro (``#define NAME(a)``) counts its parameters (the
    first file that has the name decides), a variadic one (``...``) has no count to hold a call
    to; a name's count is the first file's that declares or defines it."""
    from backport import arity
    files = {
        "include/linux/a.h": "static inline int a_func(int x, int y)\n{\n\treturn x;\n}\n",
        "include/linux/b.h": "#define a_macro(c) ((void)(c))\n#define a_print(fmt, ...) 0\n",
        "include/linux/c.h": "int a_func(int x);\nint a_macro(int c, int d);\nint a_print(int c);\n",
    } | {f"include/linux/z{i:02d}.h": "int z;\n/* a_func a_macro a_print */\n" for i in range(50)}
    t = GitTree(Repository(str(make_repo(tmp_path / "r", {"v1": files}))), "v1")
    read = []
    real = t.read
    t.read = lambda path: read.append(path) or real(path)  # type: ignore[method-assign]
    names = {"a_func", "a_macro", "a_print"}
    assert arity.lookup(t, names, [], ("include/linux",)) == {"a_func": 2, "a_macro": 1}
    assert read == ["include/linux/a.h", "include/linux/b.h"]  # all known there: the search stops
    plain = tmp_path / "plain"
    for rel, text in files.items():
        (plain / rel).parent.mkdir(parents=True, exist_ok=True)
        (plain / rel).write_text(text)
    assert arity.lookup(DirTree(str(plain)), names | {"b_none"}, [], ("include/linux",)) == {"a_func": 2, "a_macro": 1}


def test_arity_does_not_search_upper_case_macros(tmp_path):
    """``WARN_ON_ONCE`` near mm/: every file uses it, its definition is in include/asm-generic/;
    an upper-case name is a macro by the kernel's style and is not searched for (a file's own
    text still counts it)."""
    from backport import arity
    files = {f"mm/m{i:02d}.c": "void f(void)\n{\n\tWARN_ON_ONCE(1);\n}\n" for i in range(30)}
    t = GitTree(Repository(str(make_repo(tmp_path / "r", {"v1": files}))), "v1")
    read = []
    real = t.read
    t.read = lambda path: read.append(path) or real(path)  # type: ignore[method-assign]
    assert arity.lookup(t, {"WARN_ON_ONCE"}, [], ("mm",)) == {}
    assert read == []
    own = "static inline bool IS_QUX(const void *p)\n{\n\treturn !p;\n}\n"
    assert arity.lookup(t, {"IS_QUX"}, [own], ("mm",)) == {"IS_QUX": 1}
