"""The command line: outputs, exit codes, one-line errors, and a checkout that is never touched."""
import hashlib
import subprocess
import sys
from pathlib import Path

import pytest

from backport.cli import main
from conftest import DEMO, SEED, git, make_repo


def run_cli(*args, cwd=None):
    return subprocess.run([sys.executable, "-m", "backport.cli", *args], capture_output=True, text=True, cwd=cwd)


def snapshot(repo: Path) -> dict:
    """Everything of a checkout the tool must leave byte-identical."""
    state = {}
    for path in sorted(repo.rglob("*")):
        if path.is_file():
            state[str(path.relative_to(repo))] = hashlib.sha1(path.read_bytes()).hexdigest()
    state["refs"] = git(repo, "for-each-ref")
    state["status"] = git(repo, "status", "--porcelain", "--ignored")
    return state


@pytest.fixture
def small_repo(tmp_path):
    files = {v: {p.relative_to(DEMO / v).as_posix(): p.read_text()
                 for p in (DEMO / v).rglob("*") if p.is_file()} for v in ("4.9.117", "4.14")}
    repo = make_repo(tmp_path / "linux", {f"v{v}": f for v, f in files.items()})
    (repo / "dirty.txt").write_text("uncommitted work of the user\n")
    git(repo, "stash", "list")
    return repo


def test_port_writes_series_and_leaves_checkout_untouched(small_repo, tmp_path):
    before = snapshot(small_repo)
    out = tmp_path / "out"
    rc = main(["port", str(SEED), "--repo", str(small_repo), "--to", "v4.14", "-o", str(out), "--no-color",
               "--json", str(tmp_path / "r.json")])
    assert rc == 0
    assert snapshot(small_repo) == before
    series = list((out / "v4.14").glob("0001-*.patch"))
    assert len(series) == 1
    assert "Subject: [PATCH 4.14] mm: disable preemption before swapcache_free" in series[0].read_text()
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".out.")]


def test_existing_output_is_not_overwritten(small_repo, tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    run = run_cli("port", str(SEED), "--repo", str(small_repo), "--to", "v4.14", "-o", str(out))
    assert run.returncode == 2
    assert "exists; use --force" in run.stderr and "Traceback" not in run.stderr


@pytest.mark.parametrize("args, message", [
    (["port", "/nonexistent.patch", "--to", "x", "-o", "OUT"], "/nonexistent.patch"),
    (["port", str(Path(__file__)), "--to", "x", "-o", "OUT"], "not a patch"),
])
def test_bad_input_is_one_line_error(args, message, tmp_path):
    run = run_cli(*args, cwd=tmp_path)
    assert run.returncode == 2
    assert message in run.stderr and len(run.stderr.strip().splitlines()) == 1
    assert not (tmp_path / "OUT").exists()


def test_unknown_ref_is_one_line_error(small_repo, tmp_path):
    run = run_cli("port", str(SEED), "--repo", str(small_repo), "--to", "v9.99", "-o", str(tmp_path / "o"))
    assert run.returncode == 2 and "unknown revision 'v9.99'" in run.stderr
    assert not (tmp_path / "o").exists()


def test_base_not_found_is_one_line_error(tmp_path):
    repo = make_repo(tmp_path / "r", {"v1": {"README": "x\n"}})
    run = run_cli("port", str(SEED), "--repo", str(repo), "--to", "v1", "-o", str(tmp_path / "o"))
    assert run.returncode == 2 and "give --base" in run.stderr and "Traceback" not in run.stderr


def test_path_not_in_base_is_one_line_error(small_repo, tmp_path):
    run = run_cli("port", str(SEED), "--repo", str(small_repo), "--base", str(tmp_path), "--to", "v4.14",
                  "-o", str(tmp_path / "o"))
    assert run.returncode == 2 and "mm/swap_state.c does not exist in base" in run.stderr
    assert not (tmp_path / "o").exists()


def test_batch_runs_many_jobs_in_one_process(small_repo, tmp_path):
    import json
    jobs = tmp_path / "jobs.jsonl"
    jobs.write_text(
        json.dumps({"id": "seed-4.14", "patch": str(SEED), "repo": str(small_repo), "to": ["v4.14"]}) + "\n"
        + json.dumps({"id": "bad", "patch": str(tmp_path / "none.patch"), "repo": str(small_repo), "to": ["v4.14"]}) + "\n")
    out = tmp_path / "out"
    rc = main(["batch", str(jobs), "-o", str(out)])
    summary = json.loads((out / "batch.json").read_text())["jobs"]
    assert [j["status"] for j in summary] == ["complete", "error"]
    assert "none.patch" in summary[1]["error"]
    assert list((out / "seed-4.14" / "v4.14").glob("0001-*.patch"))
    assert rc == 2


def test_progress_bar_only_on_a_terminal():
    from backport.cli import progress_bar
    with progress_bar(10) as step:  # pytest captures stderr: not a terminal
        assert step is None


def test_json_to_standard_output_and_markdown_report_beside_out(small_repo, tmp_path):
    """--json - puts the JSON report (and nothing else) on standard output, the table goes to
    standard error; --report writes the Markdown report outside OUT once OUT is in place."""
    import json
    out, md = tmp_path / "out", tmp_path / "report.md"
    run = run_cli("port", str(SEED), "--repo", str(small_repo), "--base", "v4.9.117", "--to", "v4.14",
                  "-o", str(out), "--json", "-", "--report", str(md), "--no-color")
    assert run.returncode == 0, run.stderr
    doc = json.loads(run.stdout)
    assert doc["schema"] == 1 and [t["target"] for t in doc["patches"][0]["targets"]] == ["v4.14"]
    assert "mm/vmscan.c#1" in run.stderr and "renamed" in run.stderr
    assert md.read_text() == (out / "report.md").read_text()
    assert json.loads((out / "report.json").read_text())["patches"] == doc["patches"]


def test_a_batch_job_writes_what_backport_port_writes(small_repo, tmp_path):
    """One port for both: the job's series (index lines, subjects, upstream line) and report are
    the bytes `backport port` writes for the same patch, repository and targets."""
    import json
    jobs = tmp_path / "jobs.jsonl"
    jobs.write_text(json.dumps({"id": "seed", "patch": str(SEED), "repo": str(small_repo), "base": "v4.9.117",
                                "to": ["v4.14"]}) + "\n")
    assert main(["batch", str(jobs), "-o", str(tmp_path / "b")]) == 0
    run = run_cli("port", str(SEED), "--repo", str(small_repo), "--base", "v4.9.117", "--to", "v4.14",
                  "-o", str(tmp_path / "p"), "--no-color")
    assert run.returncode == 0, run.stderr
    job, alone = tmp_path / "b" / "seed", tmp_path / "p"
    names = sorted(str(p.relative_to(alone)) for p in alone.rglob("*") if p.is_file())
    assert names == sorted(str(p.relative_to(job)) for p in job.rglob("*") if p.is_file())
    assert any(n.endswith(".patch") for n in names)
    for name in names:
        mine = (job / name).read_text().replace(str(tmp_path / "b" / "seed"), "OUT")
        theirs = (alone / name).read_text().replace(str(tmp_path / "p"), "OUT")
        assert mine == theirs, name
