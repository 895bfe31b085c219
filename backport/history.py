"""History as evidence: the commits that changed a touched function between
the base and a target, when both are refs of one repository.

Commits the target lacks (reachable from the base, not from the target) are
possible prerequisites of the port; commits the base lacks are what made
the target's code drift.  ``git log -L :func:file`` names them precisely; on
a full linux history it is bounded by a time limit, after which the
path-limited ``git log -- file`` answers instead (and says so).
"""
from __future__ import annotations

import subprocess

from .tree import GitTree

LIMIT_SECONDS = 10.0
MAX_COMMITS = 10


def function_history(base: GitTree, target: GitTree, changes: list[tuple[str, str | None, str]]) -> tuple[str, ...]:
    """Lines "<path> <function>(): <sha> <subject> (<role>)" for each touched function.

    ``changes`` holds (base path, function or None, target path).
    """
    if base.repo is not target.repo or base.commit == target.commit:
        return ()
    out: list[str] = []
    ranges = (("possible prerequisite", f"{target.commit}..{base.commit}", lambda c: c[0]),
              ("drift in the target", f"{base.commit}..{target.commit}", lambda c: c[2]))
    for (role, span, path_of), touched in zip(ranges, _touched_both(base.repo.path, base, target, changes)):
        for change in dict.fromkeys(changes):
            path, func = path_of(change), change[1]
            if touched is not None and path not in touched:
                continue  # no commit of the range touches the file: git log -L has nothing to find
            for line in _log(base.repo.path, span, path, func):
                out.append(f"{path} {func + '()' if func else ''}: {line} ({role})".replace(" :", ":"))
    return tuple(out)


def _touched_both(repo: str, base: GitTree, target: GitTree, changes) -> tuple[set[str] | None, set[str] | None]:
    """The files of ``changes`` a non-merge commit of ``target..base`` changes, and those one of
    ``base..target`` does: one ``git log --left-right`` of ``base...target`` when both sides ask
    about the same paths (git pairs renames within the paths asked about), else one each."""
    old, new = sorted({c[0] for c in changes}), sorted({c[2] for c in changes})
    if old == new:
        return _touched(repo, f"{base.commit}...{target.commit}", old, left_right=True)
    return (_touched(repo, f"{target.commit}..{base.commit}", old)[0],
            _touched(repo, f"{base.commit}..{target.commit}", new)[0])


def _touched(repo: str, span: str, paths: list[str], left_right: bool = False) -> tuple[set[str] | None, set[str] | None]:
    """Which of ``paths`` a non-merge commit of ``span`` changes: one set, or with ``left_right``
    (``A...B``) those of ``B..A`` and of ``A..B``; None when git could not say."""
    how = ["--left-right", "--format=%x00%m"] if left_right else ["--format=%x00<"]  # no path holds a NUL
    names = _run(["git", "-C", repo, "log", "--no-merges", *how, "--name-only", span, "--", *paths])
    if names is None:
        return None, None
    sides: dict[str, set[str]] = {"\0<": set(), "\0>": set()}
    side = sides["\0<"]
    for name in names:
        if name in sides:
            side = sides[name]
        else:
            side.add(name)
    return sides["\0<"], sides["\0>"]


def _log(repo: str, span: str, path: str, func: str | None) -> list[str]:
    fmt = ["--no-merges", "--no-patch", "--format=%h %s", f"-n{MAX_COMMITS}"]
    if func:
        lines = _run(["git", "-C", repo, "log", *fmt, f"-L:{func}:{path}", span])
        if lines is not None:
            return lines
    lines = _run(["git", "-C", repo, "log", *fmt, span, "--", path])
    if lines is None:
        return [f"(history not read within {LIMIT_SECONDS:.0f} s)"]
    return [f"{x} [touches the file]" for x in lines] if func else lines


def _run(args: list[str]) -> list[str] | None:
    try:
        run = subprocess.run(args, capture_output=True, timeout=LIMIT_SECONDS)
    except subprocess.TimeoutExpired:
        return None
    if run.returncode != 0:
        return None
    return [x for x in run.stdout.decode("utf-8", "replace").splitlines() if x.strip()]
