"""``backport batch JOBS -o OUT``: many ports in one process.

JOBS is a JSON-lines file, one job a line::

    {"id": "sctp-6.1", "patch": "fix.patch", "repo": "~/linux", "base": "v6.12.113", "to": ["v6.1.190"]}

Jobs run in ``--jobs N`` worker processes (default: one per core).  Each
worker opens a repository once and keeps it (one ``git cat-file`` process,
cached reads and lookups), and is handed jobs of the same repository and
base while there are any, so its caches stay warm; an idle worker takes over
part of the largest group left.  Each job's series and reports go to
``OUT/<id>/``; ``OUT/batch.json`` sums up (status, seconds, error) in job
order.  A job that fails with an input error is recorded and the batch goes
on; so is a worker that dies (a crash, a signal): that job is a ``crash``,
its folder removed, and a new worker takes the next job.
"""
from __future__ import annotations

import json
import os
import shutil
import signal
import time
from collections import deque
from pathlib import Path
from typing import TYPE_CHECKING

from . import __version__
from .encoding import decode
from .errors import BackportError, PatchError
from .options import SeriesOptions, collect_after_job
from .output import Output, unique_dirnames
from .paths import Inputs, check_paths

if TYPE_CHECKING:
    from .tree import Repository


def read_jobs(path: str) -> list[dict]:
    from .inputs import read_input  # a regular file, size-limited
    jobs: list[dict] = []
    lines = decode(read_input(path, "jobs")).splitlines()
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
    jobs = read_jobs(args.jobs)
    check_paths(args.output, _inputs(args.jobs, jobs), force=args.force)
    out = Output(args.output, force=args.force)
    folders = unique_dirnames([str(j["id"]) for j in jobs])
    workers = min(getattr(args, "workers", None) or os.cpu_count() or 1, len(jobs))
    opts = SeriesOptions(upstream_style=getattr(args, "upstream_style", None) or "commit")
    with out.staging() as scratch:
        tasks = [(job, folders[str(job["id"])], scratch) for job in jobs]
        if workers <= 1:
            state = _State(out.path, out.real, out.stage, opts)
            summary = [_run_job(task, state) for task in tasks]
        else:
            from . import ingest, runner, tree  # noqa: F401 - imported once here, inherited by the forked workers
            summary = pool(tasks, workers, _run_job, _State, (out.path, out.real, out.stage, opts),
                           key=_group, lost=_lost)
        (out.stage / "batch.json").write_text(json.dumps({"schema": 1, "tool": f"backport {__version__}",
                                                          "jobs": summary}, indent=2) + "\n")
    return summary, out


def _inputs(jobs_file: str, jobs: list[dict]) -> Inputs:
    """Everything the jobs read: never written, replaced or deleted by the batch."""
    where = lambda v: os.path.expanduser(v) if isinstance(v, str) else ""  # noqa: E731
    trees = [where(t) for j in jobs for t in [j.get("base"), *_list(j["to"])] if t and os.path.isdir(where(t))]
    return Inputs(files=(jobs_file, *(where(j["patch"]) for j in jobs if os.path.lexists(where(j["patch"])))),
                  trees=tuple(trees), repos=tuple(where(j["repo"]) for j in jobs if j.get("repo")))


def _one(job: dict, folder: str, repos: dict, out: Output, scratch: str, opts: SeriesOptions) -> dict:
    from .ingest import read_patches  # the port's modules: in the workers, not in the parent that hands out jobs
    from .runner import bases_of, port_patches
    from .tree import open_tree
    started = time.perf_counter()
    record: dict[str, object] = {"id": str(job["id"]), "dir": folder, "status": "complete", "error": None}
    try:
        repo = _repo(job.get("repo"), repos)
        targets = [open_tree(t, repo) for t in _list(job["to"])]
        patches = read_patches(os.path.expanduser(job["patch"]))
        results = port_patches(patches, bases_of(job.get("base"), patches, repo), targets, scratch,
                               repo.path if repo else None)
        out.nested(folder).write_results(results, opts)
        record["status"] = "complete" if all(r.complete for r in results) else "needs-human"
    except BackportError as err:
        record["status"], record["error"] = "error", str(err)
    except Exception as err:  # a bug in the tool: keep the other jobs, say what broke
        record["status"], record["error"] = "crash", f"{type(err).__name__}: {err}"
    record["seconds"] = round(time.perf_counter() - started, 4)
    return record


class _State:
    """What a worker keeps between jobs: its view of the staging directory, its repositories."""

    def __init__(self, path: Path, real: Path, stage: Path, opts: SeriesOptions):
        self.out = Output.__new__(Output)
        self.out.path, self.out.real, self.out.stage = path, real, stage
        self.opts: SeriesOptions = opts
        self.repos: dict = {}


def _group(task: tuple):
    """Jobs of one repository and base share a worker's parsed files and lookups."""
    return (task[0].get("repo"), task[0].get("base"))


def _run_job(task: tuple, state: _State) -> dict:
    job, folder, scratch = task
    try:
        return _one(job, folder, state.repos, state.out, scratch, state.opts)
    finally:
        collect_after_job()


def _lost(task: tuple, how: str) -> dict:
    """The record of a job whose worker died; what it had written is removed."""
    job, folder, scratch = task
    shutil.rmtree(Path(scratch).parent / folder, ignore_errors=True)
    return {"id": str(job["id"]), "dir": folder, "status": "crash", "error": f"the worker {how}",
            "seconds": 0.0}


# ---------------------------------------------------------------------------
# the worker pool


def pool(tasks: list, workers: int, run, setup, init: tuple, *, key, lost) -> list:
    """``run(task, state)`` for every task in ``workers`` processes, results in task order.

    Each worker builds ``state = setup(*init)`` once (``run`` and ``setup`` are
    module-level functions: they are pickled by name).  Tasks of one ``key`` go
    to the worker holding that key while it has any left.  A worker that dies
    gives ``lost(task, how)`` for the task it held, and is replaced.
    """
    import multiprocessing
    import sys
    from multiprocessing.connection import wait
    # fork, not forkserver: each worker is this process's own child, reaped here, so its CPU
    # time and memory count in this process's accounting (a forkserver's children would not);
    # and not spawn: a forked worker starts with the modules this process imported, where a
    # spawned one starts a new interpreter and imports them again (about 0.25 s CPU each)
    ctx = multiprocessing.get_context("fork")
    for stream in (sys.stdout, sys.stderr):  # nothing buffered here is written again by a worker
        stream.flush()
    groups: dict = {}
    for index, task in enumerate(tasks):
        groups.setdefault(key(task), deque()).append(index)
    results: list = [None] * len(tasks)
    slots = [_Slot(ctx, run, setup, init) for _ in range(workers)]
    try:
        for slot in slots:
            _hand_out(slot, slots, groups, tasks)
        while any(s.index is not None for s in slots):
            busy = [s for s in slots if s.index is not None]
            wait([s.conn for s in busy] + [s.proc.sentinel for s in busy])
            for slot in busy:
                done = slot.collect()
                if done is None:
                    continue
                index, result = done
                results[index] = result if result is not _DIED else lost(tasks[index], slot.how())
                if result is _DIED:
                    slot.restart(ctx, run, setup, init)
                _hand_out(slot, slots, groups, tasks)
    finally:
        from .paths import signals_held
        with signals_held():  # a signal now would leave the workers after this one running
            for slot in slots:
                slot.stop()
    return results


_DIED = object()


class _Slot:
    """One worker process, the group it works on and the task it holds."""

    def __init__(self, ctx, run, setup, init):
        self.restart(ctx, run, setup, init)
        self.key = None

    def restart(self, ctx, run, setup, init) -> None:
        self.conn, child = ctx.Pipe()
        self.proc = ctx.Process(target=_serve, args=(child, run, setup, init), daemon=True)
        from .paths import signals_held
        # blocked, not deferred by a handler: the worker inherits the mask and opens it once its
        # own handlers are set (a signal in between waits for it), where an inherited deferring
        # handler would swallow a SIGTERM from the parent's stop and leave it waiting for work
        with signals_held():
            self.proc.start()
        child.close()
        self.index: int | None = None

    def give(self, index: int, task) -> None:
        self.index = index
        self.conn.send((index, task))

    def collect(self):
        """(index, result) when the held task is done, (index, _DIED) when the worker died."""
        if self.conn.poll():
            try:
                index, result = self.conn.recv()
            except (EOFError, OSError):
                index, result = self.index, _DIED
        elif not self.proc.is_alive():
            index, result = self.index, _DIED
        else:
            return None
        self.index = None
        return index, result

    def how(self) -> str:
        self.proc.join(5)
        code = self.proc.exitcode
        if code is not None and code < 0:
            try:
                return f"was killed by {signal.Signals(-code).name}"
            except ValueError:
                return f"was killed by signal {-code}"
        return f"exited with status {code}"

    def stop(self) -> None:
        if self.proc.is_alive():
            try:
                self.conn.send(None)
            except OSError:
                pass
            self.proc.join(2)
        if self.proc.is_alive():
            self.proc.kill()
            self.proc.join()
        self.conn.close()


def _hand_out(slot: _Slot, slots: list, groups: dict, tasks: list) -> None:
    """The next task of the slot's group; else a group no worker has; else part of the largest."""
    left = {k: q for k, q in groups.items() if q}
    if not left:
        return
    if slot.key not in left:
        held = {s.key for s in slots if s is not slot and s.index is not None}
        free = [k for k in left if k not in held]
        slot.key = free[0] if free else max(left, key=lambda k: len(left[k]))
    index = groups[slot.key].popleft()
    slot.give(index, tasks[index])


def _serve(conn, run, setup, init) -> None:
    """A worker: build its state, then run tasks until told to stop."""
    import gc
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent handles ^C and stops us
    for ending in (signal.SIGTERM, signal.SIGHUP):  # as a new process has them, not as the parent held them
        signal.signal(ending, signal.SIG_DFL)
    signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT, signal.SIGTERM, signal.SIGHUP})  # see _Slot.restart
    gc.disable()  # as a port in the main process: each job collects at its end (_run_job)
    import faulthandler
    faulthandler.disable()  # a worker's crash is its job's error, said by the parent (a test runner may have enabled it)
    state = setup(*init)
    while True:
        try:
            message = conn.recv()
        except EOFError:
            return
        if message is None:
            return
        index, task = message
        conn.send((index, run(task, state)))


def _repo(path: str | None, repos: dict) -> Repository | None:
    if not path:
        return None
    from .tree import Repository
    path = os.path.expanduser(path)
    if path not in repos:
        repos[path] = Repository(path)
    return repos[path]


def _list(value) -> list[str]:
    return [value] if isinstance(value, str) else list(value)

