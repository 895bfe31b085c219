"""The seed patch (whitespace-damaged web copy, 4.9.117) against the demo trees,
compared with the ports written by hand in tests/cases/seed-demo/expected/."""
import re
from pathlib import Path

import pytest

from backport.ingest import read_patches
from backport.pipeline import port
from backport.tree import GitTree, Repository
from conftest import SEED, apply_check

EXPECTED = Path(__file__).parent / "cases" / "seed-demo" / "expected"


def expected_verdicts() -> dict[str, dict[str, str]]:
    table: dict[str, dict[str, str]] = {}
    for line in (EXPECTED / "verdicts.txt").read_text().splitlines():
        if line.strip() and not line.startswith("#"):
            target, hunk, verdict = line.split()[:3]
            table.setdefault(target, {})[hunk] = verdict
    return table


@pytest.fixture(scope="module")
def seed_result(demo_repo):
    path, tags = demo_repo
    repo = Repository(str(path))
    patch = read_patches(str(SEED))[0]
    return port(patch, GitTree(repo, "v4.9.117"), [GitTree(repo, t) for t in tags])


def _target(result, version):
    return next(t for t in result.targets if t.target == f"v{version}")


@pytest.mark.parametrize("version", sorted(expected_verdicts()))
def test_verdicts_per_hunk(seed_result, version):
    got = {f"{h.path}#{h.index}": h.verdict.value for h in _target(seed_result, version).hunks}
    assert got == expected_verdicts()[version]


@pytest.mark.parametrize("version", ["4.12", "4.14", "4.17", "4.19", "5.4"])
def test_regenerated_patch_equals_hand_written_port(seed_result, version):
    expected = (EXPECTED / f"{version}.patch").read_text()
    assert _target(seed_result, version).diff == expected


def test_repaired_base_patch_is_byte_exact(seed_result):
    from backport.model import diff_text
    assert diff_text(seed_result.repaired.files) == (EXPECTED / "4.9.117-repaired.patch").read_text()


def test_every_regenerated_patch_applies(seed_result, demo_repo, tmp_path):
    path, _ = demo_repo
    for target in seed_result.targets:
        tree = tmp_path / target.target
        for fp in re.findall(r"^\+\+\+ b/(\S+)$", target.diff, re.M):
            text = GitTree(Repository(str(path)), target.target).read(fp)
            (tree / fp).parent.mkdir(parents=True, exist_ok=True)
            (tree / fp).write_text(text)
        assert apply_check(tree, target.diff).returncode == 0, target.target


def test_5_4_warns_that_radix_tree_helpers_are_gone(seed_result):
    hunk = next(h for h in _target(seed_result, "5.4").hunks if h.path == "mm/swap_state.c" and h.index == 2)
    text = " ".join(hunk.warnings)
    assert "radix_tree_maybe_preload" in text and "radix_tree_preload_end" in text
    assert not hunk.verdict.clean


def test_renames_carry_evidence(seed_result):
    hunk = next(h for h in _target(seed_result, "4.14").hunks if h.path == "mm/vmscan.c")
    rename = next(r for r in hunk.renames if r.old == "swapcache_free")
    assert rename.new == "put_swap_page"
    assert any("put_swap_page(page, swap);" in e for e in rename.evidence)


def test_history_names_the_commits_that_changed_each_function(seed_result):
    history = _target(seed_result, "4.14").history
    assert any(h.startswith("mm/swap_state.c delete_from_swap_cache():") and "Linux 4.14" in h
               and h.endswith("(drift in the target)") for h in history)
    assert not any("prerequisite" in h for h in history)
