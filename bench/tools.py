"""The tools under measurement, each run on one case in a scratch directory.

Every runner gets the same inputs (the case: input.patch, the target
before-file at its path; the bench repository for tools that read git
objects) and returns an `Outcome`: did the tool say it applied the change,
what file did it leave, how long did it take, how much memory did it need.
"""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from .cases import write_text


@dataclass
class Outcome:
    tool: str
    applied: bool
    result: str | None          # the target file as the tool left it
    wall: float                 # seconds
    maxrss_kb: int
    status: int | None
    note: str = ""
    hunks: list[dict] = field(default_factory=list)  # backport's per-hunk verdicts
    patch: str | None = None    # backport's regenerated patch


@dataclass
class Run:
    returncode: int
    stdout: str
    stderr: str
    wall: float
    maxrss_kb: int


GNU_TIME = "/usr/bin/time"


def run_measured(cmd: list[str], cwd: Path, timeout: float = 600, env=None) -> Run:
    """Run ``cmd``; wall time and peak resident memory of it and its children.

    The peak memory comes from GNU time when it is installed: a process forked
    from this Python and then exec'd inherits Python's own high-water mark in
    its rusage, so wait4's ru_maxrss would count the harness too.
    """
    with tempfile.TemporaryDirectory(prefix="bench-run-") as tmp:
        rss_file = Path(tmp) / "rss"
        wrapped = [GNU_TIME, "-q", "-f", "%M", "-o", str(rss_file), *cmd] \
            if os.path.exists(GNU_TIME) else cmd
        with open(Path(tmp) / "out", "w+b") as out, open(Path(tmp) / "err", "w+b") as err:
            start = time.perf_counter()
            proc = subprocess.Popen(wrapped, cwd=cwd, stdout=out, stderr=err,
                                    stdin=subprocess.DEVNULL, env=env)
            status, rusage = _wait(proc, start + timeout)
            wall = time.perf_counter() - start
            out.seek(0)
            err.seek(0)
            maxrss = read_rss(rss_file) or (rusage.ru_maxrss if rusage else 0)
            return Run(status, out.read().decode(errors="replace"),
                       err.read().decode(errors="replace"), wall, maxrss)


def read_rss(path: Path) -> int | None:
    try:
        return int(path.read_text().split()[-1])
    except (OSError, ValueError, IndexError):
        return None


def _wait(proc: subprocess.Popen, deadline: float):
    while True:
        pid, status, rusage = os.wait4(proc.pid, os.WNOHANG)
        if pid:
            proc.returncode = os.waitstatus_to_exitcode(status)
            return proc.returncode, rusage
        if time.perf_counter() > deadline:
            proc.kill()
            _, status, rusage = os.wait4(proc.pid, 0)
            proc.returncode = -9
            return -9, rusage
        time.sleep(0.002)


def scratch_tree(case: dict, root: Path) -> Path:
    """A directory holding the target before-file at its path."""
    write_file(root / case["path"], case["before"])
    return root


def write_file(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    write_text(path, text)


def read_result(root: Path, path: str) -> str | None:
    target = root / path
    return target.read_bytes().decode("utf-8", "surrogateescape") if target.exists() else None


# --------------------------------------------------------------------------
# baselines
# --------------------------------------------------------------------------

def git_apply(case: dict, repo: Path, work: Path) -> Outcome:
    tree = scratch_tree(case, work)
    run = run_measured(["git", "apply", str(case["input"])], tree)
    return Outcome("git apply", run.returncode == 0, read_result(tree, case["path"]),
                   run.wall, run.maxrss_kb, run.returncode, run.stderr.strip()[-300:])


def git_apply_3way(case: dict, repo: Path, work: Path) -> Outcome:
    """git apply --3way in a scratch repo that borrows the bench repo's objects."""
    tree = scratch_tree(case, work)
    subprocess.run(["git", "init", "-q"], cwd=tree, check=True)
    alternates = tree / ".git" / "objects" / "info" / "alternates"
    alternates.write_text(str(objects_dir(repo)) + "\n")
    subprocess.run(["git", "add", "--", case["path"]], cwd=tree, check=True)
    run = run_measured(["git", "apply", "--3way", str(case["input"])], tree)
    return Outcome("git apply --3way", run.returncode == 0, read_result(tree, case["path"]),
                   run.wall, run.maxrss_kb, run.returncode, run.stderr.strip()[-300:])


def objects_dir(repo: Path) -> Path:
    return repo / "objects" if (repo / "objects").is_dir() else repo / ".git" / "objects"


def gnu_patch(fuzz: int):
    def runner(case: dict, repo: Path, work: Path) -> Outcome:
        tree = scratch_tree(case, work)
        run = run_measured(["patch", "-p1", f"--fuzz={fuzz}", "--forward", "--batch",
                            "--no-backup-if-mismatch", "-i", str(case["input"])], tree)
        return Outcome(f"patch --fuzz={fuzz}", run.returncode == 0,
                       read_result(tree, case["path"]), run.wall, run.maxrss_kb,
                       run.returncode, run.stdout.strip()[-300:])
    return runner


def wiggle(case: dict, repo: Path, work: Path) -> Outcome:
    tree = scratch_tree(case, work)
    run = run_measured(["wiggle", "--merge", "--replace", case["path"], str(case["input"])], tree)
    return Outcome("wiggle", run.returncode == 0, read_result(tree, case["path"]),
                   run.wall, run.maxrss_kb, run.returncode, run.stderr.strip()[-300:])


# --------------------------------------------------------------------------
# backport, through its command line (an in-process batch entry will come later)
# --------------------------------------------------------------------------

def backport_command() -> list[str] | None:
    """How to start backport: $BACKPORT_CMD, `backport` on PATH, or `python -m backport`."""
    if cmd := os.environ.get("BACKPORT_CMD"):
        return cmd.split()
    if exe := shutil.which("backport"):
        return [exe]
    probe = subprocess.run([sys.executable, "-c", "import backport.cli"],
                           capture_output=True, cwd=_repo_root())
    if probe.returncode == 0:
        return [sys.executable, "-c", "import sys; from backport.cli import main; sys.exit(main())"]
    return None


def _repo_root() -> Path:
    return Path(__file__).resolve().parent.parent


def backport_env() -> dict:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(_repo_root()), env.get("PYTHONPATH")]))
    return env


def backport_argv(case: dict, repo: Path, outdir: Path) -> list[str]:
    return ["port", str(case["input"]), "--repo", str(repo), "--base", case["source_base"],
            "--to", case["target"], "-o", str(outdir), "--json", f"{outdir}.json", "--no-color"]


def backport_cli(case: dict, repo: Path, work: Path) -> Outcome:
    command = backport_command()
    if command is None:
        return Outcome("backport", False, None, 0.0, 0, None, "not available")
    outdir = work / "out"
    run = run_measured(command + backport_argv(case, repo, outdir), work, env=backport_env())
    report = read_report(Path(f"{outdir}.json"))
    outcome = Outcome("backport", False, None, run.wall, run.maxrss_kb, run.returncode,
                      (run.stderr.strip() or run.stdout.strip())[-300:])
    if report is None:
        outcome.note = f"no JSON report (exit {run.returncode}): {outcome.note}"
        return outcome
    target = first_target(report)
    outcome.hunks = target.get("hunks", [])
    outcome.patch = read_patch(target.get("patch_file"), outdir)
    outcome.result = apply_regenerated(case, repo, outcome.patch, work / "result")
    outcome.applied = run.returncode == 0 and outcome.result is not None
    return outcome


def first_target(report: dict) -> dict:
    """The one target of the report: {"targets": [...]} or {"patches": [{"targets": [...]}]}."""
    targets = report.get("targets")
    if targets is None and report.get("patches"):
        targets = report["patches"][0].get("targets")
    return targets[0] if targets else {}


def read_report(path: Path) -> dict | None:
    try:
        return json.loads(path.read_text())
    except (OSError, ValueError):
        return None


def read_patch(patch_file: str | None, outdir: Path) -> str | None:
    candidates = [Path(patch_file)] if patch_file else sorted(outdir.rglob("*.patch"))
    for path in candidates:
        if path.exists():
            return path.read_bytes().decode("utf-8", "surrogateescape")
    return None


def apply_regenerated(case: dict, repo: Path, patch: str | None, root: Path) -> str | None:
    """The target file after `git apply` of backport's patch (before-file if it has none)."""
    tree = scratch_tree(case, root)
    if not patch:
        return case["before"]
    for other in touched_paths(patch):
        if other != case["path"] and not (tree / other).exists():
            blob = subprocess.run(["git", "--git-dir", str(repo), "cat-file", "blob",
                                   f"{case['target']}:{other}"], capture_output=True)
            if blob.returncode == 0:
                (tree / other).parent.mkdir(parents=True, exist_ok=True)
                (tree / other).write_bytes(blob.stdout)
    write_text(root / ".regenerated.patch", patch)
    proc = subprocess.run(["git", "apply", ".regenerated.patch"], cwd=tree, capture_output=True)
    return read_result(tree, case["path"]) if proc.returncode == 0 else None


def touched_paths(patch: str) -> list[str]:
    return [line[6:] for line in patch.splitlines() if line.startswith("+++ b/")]


def startup_cost(repeat: int = 5) -> float | None:
    """Median seconds for `backport --help`: the price paid before any work."""
    command = backport_command()
    if command is None:
        return None
    times = sorted(run_measured(command + ["--help"], _repo_root(), env=backport_env()).wall
                   for _ in range(repeat))
    return times[len(times) // 2]


BASELINES = {
    "git apply": git_apply,
    "git apply --3way": git_apply_3way,
    "patch --fuzz=0": gnu_patch(0),
    "patch --fuzz=2": gnu_patch(2),
    "patch --fuzz=3": gnu_patch(3),
    "wiggle": wiggle,
}
TOOLS = {"backport": backport_cli, **BASELINES}
