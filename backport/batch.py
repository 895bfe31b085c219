"""``backport batch JOBS -o OUT``: many ports in one process.

JOBS is a JSON-lines file, one job a line::

    {"id": "sctp-6.1", "patch": "fix.patch", "repo": "~/linux", "base": "v6.12.113", "to": ["v6.1.190"]}

Repositories are opened once and shared by every job (one ``git cat-file``
process, cached reads and lookups), so the start-up cost is paid once.  Each
job's series and reports go to ``OUT/<id>/``; ``OUT/batch.json`` sums up
(status, seconds, error).  A job that fails with an input error is recorded
and the batch goes on.
"""
from __future__ import annotations

import json
import os
import time
from argparse import Namespace

from . import __version__
from .errors import BackportError, PatchError
from .ingest import read_patches
from .output import Output, unique_dirnames
from .paths import Inputs, check_paths
from .pipeline import port
from .tree import Repository, open_tree


def read_jobs(path: str) -> list[dict]:
    from .inputs import read_input  # a regular file, size-limited
    jobs = []
    lines = read_input(path, "jobs").decode("utf-8", "surrogateescape").splitlines()
    for no, line in enumerate(lines, 1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        try:
            job = json.loads(line)
        except json.JSONDecodeError as err:
            raise PatchError(f"not a JSON job: {err.msg}", source=path, line=no) from None
        if not isinstance(job, dict) or "patch" not in job or "to" not in job:
            raise PatchError("a job needs at least \"patch\" and \"to\"", source=path, line=no)
        problem = _bad_field(job)
        if problem:
            raise PatchError(problem, source=path, line=no)
        job.setdefault("id", f"{len(jobs) + 1:04d}")
        jobs.append(job)
    return jobs


def _bad_field(job: dict) -> str | None:
    """What is wrong with a job's fields, if anything."""
    for key in ("patch", "repo", "base"):
        if job.get(key) is not None and not isinstance(job[key], str):
            return f"\"{key}\" must be a string"
    if not isinstance(job.get("id", ""), (str, int)):
        return "\"id\" must be a string"
    to = job["to"]
    if not (isinstance(to, str) or (isinstance(to, list) and to and all(isinstance(t, str) for t in to))):
        return "\"to\" must be a string or a list of strings"
    return None


def run_batch(args) -> tuple[list[dict], Output]:
    from .cli import pick_base
    jobs = read_jobs(args.jobs)
    check_paths(args.output, _inputs(args.jobs, jobs), force=args.force)
    repos: dict[str, Repository] = {}
    out = Output(args.output, force=args.force)
    summary = []
    folders = unique_dirnames([str(j["id"]) for j in jobs])
    with out.staging() as scratch:
        for job in jobs:
            summary.append(_one(job, folders[str(job["id"])], repos, out, scratch, args, pick_base))
        (out.stage / "batch.json").write_text(json.dumps({"schema": 1, "tool": f"backport {__version__}",
                                                          "jobs": summary}, indent=2) + "\n")
    return summary, out


def _inputs(jobs_file: str, jobs: list[dict]) -> Inputs:
    """Everything the jobs read: never written, replaced or deleted by the batch."""
    where = lambda v: os.path.expanduser(v) if isinstance(v, str) else ""  # noqa: E731
    trees = [where(t) for j in jobs for t in [j.get("base"), *_list(j["to"])] if t and os.path.isdir(where(t))]
    return Inputs(files=(jobs_file, *(where(j["patch"]) for j in jobs if os.path.lexists(where(j["patch"])))),
                  trees=tuple(trees), repos=tuple(where(j["repo"]) for j in jobs if j.get("repo")))


def _one(job: dict, folder: str, repos: dict, out: Output, scratch: str, args, pick_base) -> dict:
    started = time.perf_counter()
    record = {"id": str(job["id"]), "dir": folder, "status": "complete", "error": None}
    try:
        repo = _repo(job.get("repo"), repos)
        targets = [open_tree(t, repo) for t in _list(job["to"])]
        results = []
        for patch in read_patches(os.path.expanduser(job["patch"])):
            spec = pick_base(job.get("base"), patch, repo)
            results.append(port(patch, open_tree(spec, repo), targets, scratch=scratch, base_name=spec))
        opts = Namespace(json=None, report=None, signoff=False, subject_prefix=None,
                         upstream_style=getattr(args, "upstream_style", None), no_partial=False)
        out.nested(folder).write_results(results, opts)
        record["status"] = "complete" if all(r.complete for r in results) else "needs-human"
    except BackportError as err:
        record["status"], record["error"] = "error", str(err)
    except Exception as err:  # a bug in the tool: keep the other jobs, say what broke
        record["status"], record["error"] = "crash", f"{type(err).__name__}: {err}"
    record["seconds"] = round(time.perf_counter() - started, 4)
    return record


def _repo(path: str | None, repos: dict) -> Repository | None:
    if not path:
        return None
    path = os.path.expanduser(path)
    if path not in repos:
        repos[path] = Repository(path)
    return repos[path]


def _list(value) -> list[str]:
    return [value] if isinstance(value, str) else list(value)

