"""Golden cases: tests/cases/<name>/ holds a reference patch, a small base and
target tree, the verdict expected for every reference hunk and the diff a
careful maintainer would write for the target (see tests/cases/README.md).

A case that the tool still gets wrong carries a KNOWN-FAILING file whose
first line says what goes wrong; it runs as a strict xfail with that reason.
"""
from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from backport.ingest import read_patches
from backport.pipeline import port
from backport.tree import DirTree

CASES = Path(__file__).resolve().parent / "cases"
SKIP = {"seed-demo"}
NEEDS_HUMAN = {"conflict", "missing"}


def case_dirs() -> list[Path]:
    if not CASES.is_dir():
        return []
    return sorted(d for d in CASES.iterdir()
                  if d.is_dir() and d.name not in SKIP and (d / "patch.diff").is_file())


def _param(d: Path):
    marks = []
    known = d / "KNOWN-FAILING"
    if known.is_file():
        reason = (known.read_text().strip().splitlines() or ["known failing"])[0]
        marks.append(pytest.mark.xfail(reason=reason, strict=True))
    return pytest.param(d, id=d.name, marks=marks)


def read_verdicts(d: Path) -> list[tuple[str, str]]:
    out = []
    for line in (d / "verdicts.txt").read_text().splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            key, verdict = line.split()
            out.append((key, verdict))
    return out


def expected_diff(d: Path) -> str:
    f = d / "expected.diff"
    return f.read_bytes().decode("utf-8", "surrogateescape") if f.is_file() else ""


def run_case(d: Path):
    patches = read_patches(str(d / "patch.diff"))
    assert len(patches) == 1, f"{d.name}: patch.diff holds {len(patches)} patches"
    return port(patches[0], DirTree(str(d / "base")), [DirTree(str(d / "target"))])


def git_apply_check(diff: str, tree: Path, tmp_path: Path) -> subprocess.CompletedProcess:
    work = tmp_path / "apply"
    copy = work / "target"
    shutil.copytree(tree, copy)
    (work / "fix.diff").write_bytes(diff.encode("utf-8", "surrogateescape"))
    env = dict(os.environ, GIT_CEILING_DIRECTORIES=str(work))
    return subprocess.run(["git", "apply", "--check", "-v", str(work / "fix.diff")],
                          cwd=copy, env=env, capture_output=True, text=True)


@pytest.mark.parametrize("case", [_param(d) for d in case_dirs()])
def test_golden(case: Path, tmp_path: Path) -> None:
    result = run_case(case)
    target = result.targets[0]
    expected = read_verdicts(case)

    # (a) one verdict per reference hunk, in order
    got = [(f"{h.path}#{h.index}", h.verdict.value) for h in target.hunks]
    assert got == expected, "\n".join(f"{h.path}#{h.index} {h.verdict.value}: {h.reason}" for h in target.hunks)

    # (b) the regenerated diff, byte for byte
    want = expected_diff(case)
    assert target.diff == want

    # (c) the expected diff applies to the target tree
    if want:
        r = git_apply_check(want, case / "target", tmp_path)
        assert r.returncode == 0, r.stderr

    # (d) complete exactly when no hunk needs a human
    assert target.complete == (not any(v in NEEDS_HUMAN for _, v in expected))


def test_cases_are_well_formed() -> None:
    """Every case has what the runner needs; expected.diff is present iff some hunk is placed."""
    dirs = case_dirs()
    assert dirs, "no golden cases found"
    for d in dirs:
        for name in ("patch.diff", "verdicts.txt", "README.md", "base", "target"):
            assert (d / name).exists(), f"{d.name}: {name} missing"
        placed = [v for _, v in read_verdicts(d) if v not in NEEDS_HUMAN | {"already-applied"}]
        # a conflict placed for review ("placed, but ...") is written too: expected.diff may then
        # exist without a clean hunk, and its absence is checked by test_golden itself
        assert bool(expected_diff(d)) or not placed, f"{d.name}: expected.diff vs verdicts.txt"


def _cli(args: list[str]) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "backport.cli", *args],
                          capture_output=True, text=True, env=dict(os.environ, NO_COLOR="1"))


def test_cli_missing_exits_1(tmp_path: Path) -> None:
    case = CASES / "code-absent-missing"
    out = tmp_path / "out"
    r = _cli(["port", str(case / "patch.diff"), "--base", str(case / "base"), "--to", str(case / "target"),
              "-o", str(out), "--json", str(tmp_path / "r.json"), "--no-color"])
    assert r.returncode == 1, r.stdout + r.stderr
    assert (tmp_path / "r.json").is_file()
    assert not list(out.glob("target/*.patch"))


def test_cli_clean_exits_0(tmp_path: Path) -> None:
    case = CASES / "offset-lines-moved"
    out = tmp_path / "out"
    r = _cli(["port", str(case / "patch.diff"), "--base", str(case / "base"), "--to", str(case / "target"),
              "-o", str(out), "--json", str(tmp_path / "r.json"), "--no-color"])
    assert r.returncode == 0, r.stdout + r.stderr
    series = list((out / "target").glob("0001-*.patch"))
    assert len(series) == 1, sorted(p.name for p in out.rglob("*"))
    mail = re.sub(r"^index [0-9a-f]{40}\.\.[0-9a-f]{40} \d{6}\n", "", series[0].read_text(), flags=re.M)
    assert expected_diff(case) in mail  # with the target's blob ids on index lines, for git am -3
