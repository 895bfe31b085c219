"""Hostile sizes, hostile file names, and messages that say what is wrong.

* Bounds: work near-linear in the input (deep nesting, long runs of one
  statement, many files), git objects read in bulk (no git process per file),
  and a file missing from the base reported before any hunk is worked on.
  Sizes here run in seconds; the big ones are measured outside CI (README).
* File names: tabs, quotes, newlines, backslashes, control and non-ASCII
  bytes are read from git's quoted names and written quoted exactly as git
  quotes them; the written patch passes ``git apply --check``.
* Messages: a corrupt or missing object, a ref that is both a tag and a
  branch, and a ``--no-prefix`` diff (``-p0``) each get one line saying so.
"""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import git

FUNC = "int f{i}(int v)\n{{\n\tint y = v + {i};\n\n\tif (y > 10)\n\t\treturn 0;\n\ty = y * 2;\n\treturn y;\n}}\n"


def func(i: int = 0) -> str:
    return FUNC.format(i=i)


def edited(text: str) -> str:
    return text.replace("\ty = y * 2;\n", "\ty = y * 2;\n\ty -= 1;\n")


def cli(*args, cwd=None) -> subprocess.CompletedProcess:
    run = subprocess.run([sys.executable, "-m", "backport.cli", *map(str, args)], capture_output=True,
                         cwd=cwd, timeout=600)
    run.stdout, run.stderr = run.stdout.decode("utf-8", "replace"), run.stderr.decode("utf-8", "replace")
    return run


def one_line_error(run, out: Path, *needles: str) -> str:
    assert run.returncode == 2, (run.returncode, run.stdout[-2000:], run.stderr)
    assert "Traceback" not in run.stderr, run.stderr
    lines = run.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("backport: "), run.stderr
    for needle in needles:
        assert needle in lines[0], (needle, lines[0])
    assert not out.exists()
    return lines[0]


def report(out: Path) -> dict:
    import json
    return json.loads((out / "report.json").read_text())


def hunks(out: Path) -> list[dict]:
    return [h for p in report(out)["patches"] for t in p["targets"] for h in t["hunks"]]


def verdicts(out: Path) -> set[str]:
    return {h["verdict"] for h in hunks(out)}


def write(root: Path, files: dict) -> None:
    for rel, text in files.items():
        path = os.path.join(os.fsencode(root), rel if isinstance(rel, bytes) else rel.encode())
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "wb") as f:
            f.write(text if isinstance(text, bytes) else text.encode())


def tagged_repo(path: Path, versions: dict[str, dict]) -> Path:
    """One commit and tag per version; file names may be bytes."""
    subprocess.run(["git", "init", "-q", "-b", "master", str(path)], check=True)
    for tag, files in versions.items():
        write(path, files)
        git(path, "add", "-A")
        git(path, "commit", "-q", "-m", tag)
        git(path, "tag", tag)
    return path


def many_files_repo(tmp_path: Path, n: int) -> tuple[Path, Path]:
    """A repo with n files (tags vbase, vtarget: one line added on top) and a patch touching all."""
    names = [f"d{i // 100}/f{i}.c" for i in range(n)]
    repo = tagged_repo(tmp_path / "repo", {
        "vbase": {p: func(i) for i, p in enumerate(names)},
        "vtarget": {p: "/* t */\n" + func(i) for i, p in enumerate(names)},
    })
    patch = "".join(f"diff --git a/{p} b/{p}\n--- a/{p}\n+++ b/{p}\n@@ -7,2 +7,3 @@ int f{i}(int v)\n"
                    f" \ty = y * 2;\n+\ty -= 1;\n \treturn y;\n" for i, p in enumerate(names))
    (tmp_path / "fix.patch").write_text(patch)
    return repo, tmp_path / "fix.patch"


# ---------------------------------------------------------------------------
# 1. bounds


def nested(depth: int) -> str:
    return "int f(int v)\n{\n" + "\tif (v) {\n" * depth + "\tv++;\n" + "\t}\n" * depth + "\treturn v;\n}\n"


class _Counting:
    """Wraps difflib.SequenceMatcher as align uses it and adds up the work of its
    longest-match searches (each base item against each of its places in the target)."""

    work = 0

    def __init__(self, monkeypatch):
        import difflib

        from backport import align
        real = difflib.SequenceMatcher
        outer = self

        class Counted(real):
            def find_longest_match(self, alo=0, ahi=None, blo=0, bhi=None):
                ahi = len(self.a) if ahi is None else ahi
                bhi = len(self.b) if bhi is None else bhi
                outer.work += sum(sum(1 for j in self.b2j.get(self.a[i], ()) if blo <= j < bhi)
                                  for i in range(alo, ahi))
                return super().find_longest_match(alo, ahi, blo, bhi)

        monkeypatch.setattr(align, "SequenceMatcher", Counted)


def test_deep_nesting_aligns_in_linear_work(monkeypatch):
    """1,500 nested blocks (3,000 '}'-like repeats): the exact matches cost near-linear work
    (difflib alone: ~4.5 million probes, and minutes at 20,000)."""
    from backport.align import align
    from backport.cparse import parse
    depth = 1_500
    base = parse(nested(depth))
    target = parse("/* moved */\n" + nested(depth).replace("\tv++;\n", "\tv += 2;\n"))
    counter = _Counting(monkeypatch)
    result = align(list(base.units), list(target.units))
    assert counter.work < 40 * depth, counter.work
    exact = [p for p in result.pairs if p.exact]
    assert len(exact) == len(base.units) - 1  # everything but the changed statement, in order
    assert [p.base.start + 1 for p in exact] == [p.target.start for p in exact]


def test_repeated_statements_align_in_order(monkeypatch):
    """Long runs of one statement with a change in the middle: each side's k-th copy meets the
    other's k-th copy around the change (anchors in order, never crossing)."""
    from backport.align import align
    from backport.cparse import parse
    n = 2_000
    body = "\tv++;\n" * n + "\tw = 1;\n" + "\tv++;\n" * n
    base = parse("int g(int v)\n{\n" + body + "}\n")
    target = parse("int g(int v)\n{\n" + body.replace("\tw = 1;\n", "\tw = 2;\n\tx = 3;\n") + "}\n")
    counter = _Counting(monkeypatch)
    pairs = align(list(base.units), list(target.units)).pairs
    assert counter.work < 40 * n, counter.work
    starts = [(p.base.start, p.target.start) for p in pairs]
    assert starts == sorted(starts) and len({t for _, t in starts}) == len(starts)
    assert sum(p.exact for p in pairs) == 2 * n + 3  # both runs, the head and the closing brace


def test_changed_statements_are_scored_in_bounded_work(monkeypatch):
    """3,000 statements, every one changed but each 60th: pairing the changed ones scores a
    bounded number of statement pairs (all 59 x 59 of each of 50 gaps: 174,000)."""
    from backport import align
    from backport.cparse import parse
    n = 3_000
    keep = [i % 60 == 0 for i in range(n)]
    base = parse("int h(int v, int w)\n{\n" + "".join(f"\tv = v * {i} + w;\n" for i in range(n)) + "}\n")
    target = parse("int h(int v, int w)\n{\n" + "".join(f"\tv = v * {i} + w;\n" if keep[i] else
                                                       f"\tv = v * {i} + w + 1;\n" for i in range(n)) + "}\n")
    calls = []
    real = align.similarity
    monkeypatch.setattr(align, "similarity", lambda a, b: calls.append(1) or real(a, b))
    pairs = align.align(list(base.units), list(target.units)).pairs
    assert len(calls) <= align.GAP_WORK + n, len(calls)
    assert len(pairs) == len(base.units)  # every statement still meets its changed version
    assert all(p.base.start == p.target.start for p in pairs)


def test_thousands_of_unclosed_heads_parse_in_linear_work(monkeypatch):
    """5,000 kernel-style heads with '{' and no '}' but the last: one function, found by text,
    with field names read by one cursor walk (not child by child, each a walk of its own)."""
    import tree_sitter

    from backport.cparse import parse
    n = 5_000
    calls = []
    real = tree_sitter.Node.field_name_for_child
    monkeypatch.setattr(tree_sitter.Node, "field_name_for_child",
                        lambda self, i: calls.append(i) or real(self, i), raising=False)
    src = "".join(f"int f{i}(void)\n{{\n" for i in range(n)) + "int last(void)\n{\n\treturn 0;\n}\n"
    cfile = parse(src)
    assert sum(calls) < 10 * n, sum(calls)
    assert [f.name for f in cfile.functions if f.end == cfile.functions[-1].end][-1:] == ["last"]


def test_deeply_nested_function_ports_through_the_cli(tmp_path):
    depth = 5_000
    src = nested(depth)
    lines = src.split("\n")
    at = lines.index("\tv++;")
    patch = ("diff --git a/mm/deep.c b/mm/deep.c\n--- a/mm/deep.c\n+++ b/mm/deep.c\n"
             f"@@ -{at},3 +{at},4 @@\n \t{lines[at - 1][1:]}\n \tv++;\n+\tv--;\n \t}}\n")
    write(tmp_path / "base", {"mm/deep.c": src})
    write(tmp_path / "target", {"mm/deep.c": "/* t */\n" + src})
    (tmp_path / "fix.patch").write_text(patch)
    out = tmp_path / "out"
    run = cli("port", tmp_path / "fix.patch", "--base", tmp_path / "base", "--to", tmp_path / "target",
              "-o", out, "--no-color")
    assert run.returncode == 0, run.stderr
    assert "Traceback" not in run.stderr
    assert verdicts(out) == {"offset"}


def _count_processes(monkeypatch) -> list:
    started = []
    real = subprocess.Popen.__init__

    def counted(self, args, *a, **kw):
        started.append(args)
        return real(self, args, *a, **kw)

    monkeypatch.setattr(subprocess.Popen, "__init__", counted)
    return started


def test_many_files_are_read_without_a_git_process_per_file(tmp_path, monkeypatch):
    """300 files: the blobs, their modes and the missing-file check take a handful of git
    processes, not one (or several) per file."""
    from backport.ingest import read_patches
    from backport.pipeline import port
    from backport.tree import GitTree, Repository
    from backport.workflow import port_series
    n = 300
    repo, patch_file = many_files_repo(tmp_path, n)
    patches = read_patches(str(patch_file))
    repository = Repository(str(repo))
    base, target = GitTree(repository, "vbase"), GitTree(repository, "vtarget")
    (tmp_path / "scratch").mkdir()
    started = _count_processes(monkeypatch)
    results = port_series(patches, [("vbase", base)], [target], scratch=str(tmp_path / "scratch"),
                          repo_path=str(repo))
    git_runs = [a for a in started if "git" in str(a[0] if isinstance(a, (list, tuple)) else a)]
    assert len(git_runs) < 40, f"{len(git_runs)} git processes for {n} files"
    hunks = results[0].targets[0].hunks
    assert len(hunks) == n and {h.verdict.value for h in hunks} == {"offset"}
    assert port  # the pipeline entry point the workflow drives


def test_missing_file_at_the_end_is_reported_before_any_hunk(tmp_path):
    """The last of 300 files is not in the base: refused before a single base file is read."""
    from backport.base import repair_patch
    from backport.errors import BaseMismatch
    from backport.ingest import parse_patches
    from backport.tree import DirTree
    n = 300
    names = [f"d{i // 100}/f{i}.c" for i in range(n)]
    write(tmp_path / "base", {p: func(i) for i, p in enumerate(names)})
    text = "".join(f"diff --git a/{p} b/{p}\n--- a/{p}\n+++ b/{p}\n@@ -7,2 +7,3 @@\n"
                   " \ty = y * 2;\n+\ty -= 1;\n \treturn y;\n" for p in names + ["gone/last.c"])
    patch = parse_patches(text.encode(), "fix.patch")[0]

    class Counting(DirTree):
        reads = 0

        def read(self, path):
            Counting.reads += 1
            return super().read(path)

    with pytest.raises(BaseMismatch) as err:
        repair_patch(patch, Counting(str(tmp_path / "base")))
    assert "gone/last.c does not exist in base" in str(err.value)
    assert Counting.reads == 0, f"{Counting.reads} base files read before the missing one was reported"


def test_missing_file_at_the_end_through_the_cli(tmp_path):
    repo, patch_file = many_files_repo(tmp_path, 200)
    with patch_file.open("a") as f:
        f.write("diff --git a/gone/last.c b/gone/last.c\n--- a/gone/last.c\n+++ b/gone/last.c\n"
                "@@ -1,2 +1,3 @@\n a\n+b\n c\n")
    out = tmp_path / "out"
    run = cli("port", patch_file, "--repo", repo, "--base", "vbase", "--to", "vtarget", "-o", out, "--no-color")
    one_line_error(run, out, "gone/last.c does not exist in base vbase", f"{patch_file}:{200 * 7 + 1}:")


def test_a_few_hundred_files_port_through_the_cli(tmp_path):
    repo, patch_file = many_files_repo(tmp_path, 400)
    out = tmp_path / "out"
    run = cli("port", patch_file, "--repo", repo, "--base", "vbase", "--to", "vtarget", "-o", out, "--no-color")
    assert run.returncode == 0, run.stderr
    assert verdicts(out) == {"offset"}
    assert len(hunks(out)) == 400


# ---------------------------------------------------------------------------
# 2. file names git quotes


NAMES = [b"tab\there.c", b'quo"te.c', b"new\nline.c", b"back\\slash.c", b"caf\xe9.c", "\u00fcn\u00ef.c".encode(),
         b"sp ace.c", b"bel\x07.c", b"esc\x1b[31m.c", b"del\x7f.c", b"dir with space/x\ty.c", b"plain.c"]


@pytest.fixture
def named_repo(tmp_path):
    """vbase and vtarget (a line added on top) of a file per hostile name; the patch from git diff."""
    src = func(0)
    repo = tagged_repo(tmp_path / "repo", {"vbase": {n: src for n in NAMES}})
    write(repo, {n: edited(src) for n in NAMES})
    diff = subprocess.run(["git", "-C", str(repo), "diff"], capture_output=True, check=True).stdout
    (tmp_path / "fix.patch").write_bytes(diff)
    git(repo, "checkout", "-q", "--", ".")
    write(repo, {n: "/* t */\n" + src for n in NAMES})
    git(repo, "commit", "-q", "-am", "target")
    git(repo, "tag", "vtarget")
    return repo, tmp_path / "fix.patch", diff


def test_quoted_names_are_read_as_the_files_they_name(named_repo):
    from backport.ingest import parse_patches
    _, _, diff = named_repo
    files = parse_patches(diff, "fix.patch")[0].files
    assert sorted(fp.path.encode("utf-8", "surrogateescape") for fp in files) == sorted(NAMES)
    assert all(fp.old_path == fp.new_path for fp in files)


def test_names_are_written_as_git_writes_them(named_repo):
    """Every diff --git, --- and +++ line the tool writes is byte for byte git's own."""
    from backport.ingest import parse_patches
    from backport.model import diff_text
    _, _, diff = named_repo
    heads = (b"diff --git ", b"--- ", b"+++ ")
    theirs = [x for x in diff.split(b"\n") if x.startswith(heads)]
    ours = [x for x in diff_text(parse_patches(diff, "fix.patch")[0].files).encode("utf-8", "surrogateescape")
            .split(b"\n") if x.startswith(heads)]
    assert ours == theirs


@pytest.mark.parametrize("name, quoted", [
    ("a/plain.c", "a/plain.c"), ("a/sp ace.c", "a/sp ace.c"), ("a/t\tb", '"a/t\\tb"'),
    ('a/q"', '"a/q\\""'), ("a/b\\s", '"a/b\\\\s"'), ("a/\x1b[0m", '"a/\\033[0m"'), ("a/\x7f", '"a/\\177"'),
    ("a/\u00e9", '"a/\\303\\251"'), (b"a/\xe9".decode("utf-8", "surrogateescape"), '"a/\\351"'),
    ("a/n\nl\r", '"a/n\\nl\\r"'),
])
def test_quote_path_is_quote_c_style(name, quoted):
    from backport.model import quote_path
    assert quote_path(name) == quoted


def test_a_series_with_quoted_names_applies(named_repo, tmp_path):
    repo, patch_file, _ = named_repo
    out = tmp_path / "out"
    run = cli("port", patch_file, "--repo", repo, "--base", "vbase", "--to", "vtarget", "-o", out, "--no-color")
    assert run.returncode == 0, run.stdout + run.stderr
    assert verdicts(out) == {"offset"}
    assert len(hunks(out)) == len(NAMES)
    check = tmp_path / "check"
    subprocess.run(["git", "clone", "-q", str(repo), str(check)], check=True)
    git(check, "checkout", "-q", "vtarget")
    series = sorted((out / "vtarget").glob("0001-*.patch"))[0]
    applied = subprocess.run(["git", "-C", str(check), "apply", "--check", str(series)], capture_output=True)
    assert applied.returncode == 0, applied.stderr.decode()


def test_a_quoted_name_in_plain_trees(named_repo, tmp_path):
    """The same names from --base/--to directories (no git objects)."""
    repo, patch_file, _ = named_repo
    for tag in ("vbase", "vtarget"):
        where = tmp_path / tag
        subprocess.run(["git", "clone", "-q", str(repo), str(where)], check=True)
        git(where, "checkout", "-q", tag)
        shutil.rmtree(where / ".git")
    out = tmp_path / "out"
    run = cli("port", patch_file, "--base", tmp_path / "vbase", "--to", tmp_path / "vtarget", "-o", out,
              "--no-color", cwd=tmp_path)
    assert run.returncode == 0, run.stdout + run.stderr
    assert verdicts(out) == {"offset"}


# ---------------------------------------------------------------------------
# 3. messages that say what is wrong


@pytest.fixture
def small_repo(tmp_path):
    repo = tagged_repo(tmp_path / "repo", {"v1": {"mm/a.c": func(0), "mm/b.c": func(1)},
                                           "v2": {"mm/a.c": "/* t */\n" + func(0), "mm/b.c": func(1)}})
    patch = tmp_path / "fix.patch"
    write(repo, {"mm/a.c": edited(func(0))})
    patch.write_bytes(subprocess.run(["git", "-C", str(repo), "diff", "v1", "--", "mm/a.c"], capture_output=True,
                                     check=True).stdout)
    git(repo, "checkout", "-q", "--", ".")
    return repo, patch


def _loose(repo: Path, sha: str) -> Path:
    return repo / ".git" / "objects" / sha[:2] / sha[2:]


def test_a_corrupt_object_is_called_corrupt(small_repo, tmp_path):
    repo, patch = small_repo
    sha = git(repo, "rev-parse", "v1:mm/a.c").strip()
    loose = _loose(repo, sha)
    loose.chmod(0o644)
    loose.write_bytes(b"this is no zlib stream")
    out = tmp_path / "out"
    run = cli("port", patch, "--repo", repo, "--base", "v1", "--to", "v2", "-o", out, "--no-color")
    line = one_line_error(run, out, f"object {sha}", "is corrupt")
    assert "does not exist" not in line


def test_a_missing_object_is_called_missing(small_repo, tmp_path):
    repo, patch = small_repo
    sha = git(repo, "rev-parse", "v1:mm/a.c").strip()
    _loose(repo, sha).unlink()
    out = tmp_path / "out"
    run = cli("port", patch, "--repo", repo, "--base", "v1", "--to", "v2", "-o", out, "--no-color")
    line = one_line_error(run, out, f"object {sha}", "missing")
    assert "does not exist" not in line


def test_a_corrupt_commit_is_called_corrupt(small_repo, tmp_path):
    repo, patch = small_repo
    sha = git(repo, "rev-parse", "v2^{commit}").strip()
    loose = _loose(repo, sha)
    loose.chmod(0o644)
    loose.write_bytes(b"garbage")
    out = tmp_path / "out"
    run = cli("port", patch, "--repo", repo, "--base", "v1", "--to", "v2", "-o", out, "--no-color")
    line = one_line_error(run, out, f"object {sha}", "is corrupt")
    assert "unknown revision" not in line


def test_a_tag_and_a_branch_of_one_name_are_ambiguous(small_repo, tmp_path):
    repo, patch = small_repo
    git(repo, "branch", "v1", "v2")  # a branch named like the tag, elsewhere
    out = tmp_path / "out"
    run = cli("port", patch, "--repo", repo, "--base", "v1", "--to", "v2", "-o", out, "--no-color")
    one_line_error(run, out, "'v1' is ambiguous", "refs/tags/v1", "refs/heads/v1")
    run = cli("port", patch, "--repo", repo, "--base", "refs/tags/v1", "--to", "v2", "-o", out, "--no-color")
    assert run.returncode == 0, run.stderr


def test_a_no_prefix_diff_says_to_use_p0(small_repo, tmp_path):
    repo, patch = small_repo
    plain = tmp_path / "noprefix.patch"
    plain.write_text(patch.read_text().replace(" a/mm/", " mm/").replace(" b/mm/", " mm/"))
    out = tmp_path / "out"
    run = cli("port", plain, "--repo", repo, "--base", "v1", "--to", "v2", "-o", out, "--no-color")
    one_line_error(run, out, "a.c does not exist in base v1", "mm/a.c does", "--no-prefix", "-p0")
    run = cli("port", plain, "--repo", repo, "--base", "v1", "--to", "v2", "-o", out, "--no-color", "-p0")
    assert run.returncode == 0, run.stderr
    assert verdicts(out) == {"offset"}
    written = next((out / "v2").glob("0001-*.patch")).read_text()
    assert "--- a/mm/a.c\n+++ b/mm/a.c\n" in written


@pytest.mark.parametrize("strip, words", [("3", "-p3: 'a/mm/a.c' has no 3 leading components"),
                                          ("-1", "cannot be negative")])
def test_p_that_cannot_strip_is_one_line_error(small_repo, tmp_path, strip, words):
    repo, patch = small_repo
    out = tmp_path / "out"
    run = cli("port", patch, "--repo", repo, "--base", "v1", "--to", "v2", "-o", out, "--no-color", f"-p{strip}")
    one_line_error(run, out, words)


def test_p2_strips_two_components(small_repo, tmp_path):
    repo, patch = small_repo
    deeper = tmp_path / "deeper.patch"
    deeper.write_text(patch.read_text().replace(" a/mm/", " x/y/mm/").replace(" b/mm/", " x/y/mm/"))
    out = tmp_path / "out"
    run = cli("port", deeper, "--repo", repo, "--base", "v1", "--to", "v2", "-o", out, "--no-color", "-p2")
    assert run.returncode == 0, run.stderr
    assert verdicts(out) == {"offset"}
