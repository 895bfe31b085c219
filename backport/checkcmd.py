"""``--check-cmd CMD``: the maintainer's own check of each target's port.

After a target's patch is regenerated, ``CMD`` is run through the shell with
the patch written to a file under the run's scratch directory and these in
its environment:

* ``BACKPORT_PATCH``: the regenerated patch of this target (a git diff; for a
  series, one file per patch, the last one here and all of them, in order, in
  ``BACKPORT_PATCHES`` separated by newlines),
* ``BACKPORT_TARGET``: the target as given with ``--to``, ``BACKPORT_TARGET_COMMIT`` its commit,
* ``BACKPORT_REPO``: the ``--repo`` checkout ("" when none), ``BACKPORT_BASE``: the base.

Its exit status is a check in the report: not zero makes the target
needs-review (exit status 1, NEEDS REVIEW in the series).  The tool itself
never touches the checkout: what the command does with it is the
maintainer's business (for example ``make -C ~/build/5.10 drivers/net/foo.o``
after ``git -C ~/src/5.10 apply --check "$BACKPORT_PATCH"``).
"""
from __future__ import annotations

import dataclasses
import os
import subprocess
from pathlib import Path

from .encoding import encode
from .model import Check, PortResult

NAME = "check-cmd"
TIMEOUT = 3600  # seconds; a build of the touched objects fits


def run_checks(cmd: str, results: list[PortResult], scratch: str, repo: str | None) -> list[PortResult]:
    """Each result with a ``check-cmd`` check added to every target that has a patch."""
    folder = Path(scratch) / "check-cmd"
    folder.mkdir(parents=True, exist_ok=True)
    names = sorted({t.target for r in results for t in r.targets})
    checks = {}
    for k, target in enumerate(names):
        patches = []
        for n, result in enumerate(results, 1):
            for t in result.targets:
                if t.target == target and t.diff:
                    path = folder / f"{k:03d}-{n:04d}.patch"
                    path.write_bytes(encode(t.diff))
                    patches.append(str(path))
        base = next((r.base for r in results if r.base), "")
        commit = next((t.commit for r in results for t in r.targets if t.target == target and t.commit), "")
        checks[target] = run_one(cmd, patches, target, commit or "", repo, base or "") if patches else None
    return [dataclasses.replace(r, targets=tuple(_with(t, checks.get(t.target)) for t in r.targets)) for r in results]


def _with(t, check: Check | None):
    return dataclasses.replace(t, checks=t.checks + (check,)) if check is not None and t.diff else t


def run_one(cmd: str, patches: list[str], target: str, commit: str, repo: str | None, base: str) -> Check:
    env = dict(os.environ, BACKPORT_PATCH=patches[-1], BACKPORT_PATCHES="\n".join(patches),
               BACKPORT_TARGET=target, BACKPORT_TARGET_COMMIT=commit, BACKPORT_REPO=repo or "",
               BACKPORT_BASE=base)
    try:
        run = subprocess.run(cmd, shell=True, env=env, capture_output=True, timeout=TIMEOUT,
                             stdin=subprocess.DEVNULL)
    except subprocess.TimeoutExpired:
        return Check(NAME, False, f"`{cmd}` did not finish in {TIMEOUT} s")
    output = (run.stderr or run.stdout).decode("utf-8", "replace").strip().splitlines()
    last = output[-1].strip() if output else ""
    if run.returncode == 0:
        return Check(NAME, True, f"`{cmd}` passed" + (f": {last}" if last else ""))
    return Check(NAME, False, f"`{cmd}` exited {run.returncode}" + (f": {last}" if last else ""))
