"""What a patch's trailers say about each target, and what a target's name says.

* ``Fixes: <sha> ("subject")`` names the commit that brought the bug in: when
  the repository holds it, each git target is asked whether it contains it
  (``git merge-base --is-ancestor``), or a backport of it (a commit of the
  target naming it, as stable backports do with ``commit <sha> upstream.``).
  A target that has neither probably needs no fix.
* ``Cc: stable@vger.kernel.org # 5.10.x`` gives the oldest series that needs
  the fix; ``# 3.3.x: a1f84a3: subject`` also names a prerequisite to pick
  first, looked up in each target the same way.
* ``series_name``: the stable series a branch or tag belongs to
  (``linux-6.1.y`` -> ``6.1.y``, ``v6.1.187`` -> ``6.1``), for subjects.
"""
from __future__ import annotations

import re
import subprocess
from dataclasses import replace

from .model import FixesCheck, PortResult, StableHint, TargetResult

_FIXES = re.compile(r"^Fixes:[ \t]*([0-9a-f]{7,40})\b[ \t]*(?:\((?:\"(.*)\"|(.*))\))?", re.M | re.I | re.A)
_STABLE = re.compile(r"^Cc:[ \t]*(?:.*<)?stable@(?:vger\.)?kernel\.org>?[ \t]*#[ \t]*(.+?)[ \t]*$", re.M | re.I)
_HINT_VERSION = re.compile(r"v?(\d+\.\d+)(?:\.x|\.y|\+|\.\d+)?(?:[ \t]*(?:and|-)[ \t]*(?:later|newer|up))?", re.I | re.A)
_PREREQ = re.compile(r"([0-9a-f]{7,40})\b[ \t]*:?[ \t]*(.*)", re.A)
_SERIES = (
    (re.compile(r"(?:.*/)?(?:linux-)?v?(\d+\.\d+)\.y$", re.A), "{}.y"),
    (re.compile(r"(?:.*/)?(?:linux-)?v?(\d+\.\d+)(?:\.\d+)?(?:-rc\d+)?$", re.A), "{}"),
)


def series_name(target: str) -> str | None:
    """The stable series a branch, tag or directory name belongs to: 6.1.y, 6.1, or None."""
    name = target.rstrip("/")
    for pattern, form in _SERIES:
        m = pattern.match(name)
        if m:
            return form.format(m.group(1))
    return None


def _numbers(version: str | None) -> tuple[int, ...] | None:
    m = re.match(r"(\d+)\.(\d+)", version or "")
    return (int(m.group(1)), int(m.group(2))) if m else None


# ---------------------------------------------------------------------------
# trailers


def fixes_of(body: str) -> list[tuple[str, str]]:
    """(sha, subject) of every Fixes: trailer."""
    return [(m.group(1), (m.group(2) or m.group(3) or "").strip()) for m in _FIXES.finditer(body)]


def stable_lines(body: str) -> list[tuple[str, str | None, str | None, str]]:
    """(text, version, prerequisite sha, subject) of every Cc: stable line with a '#' comment."""
    out = []
    for m in _STABLE.finditer(body):
        text = m.group(1)
        version, rest = None, text
        v = _HINT_VERSION.match(text)
        if v:
            version, rest = v.group(1), text[v.end():].lstrip(" \t:,")
        p = _PREREQ.match(rest)
        sha, subject = (p.group(1), p.group(2).strip()) if p else (None, rest.strip())
        out.append((text, version, sha, subject))
    return out


# ---------------------------------------------------------------------------
# per target


class Ancestry:
    """Which commits a target contains, asked of ``git`` (cached)."""

    def __init__(self, repo_path: str | None):
        self.repo = repo_path or ""
        self._known: dict[tuple[str, str], bool | None] = {}

    def resolve(self, sha: str) -> str | None:
        if not self.repo:
            return None
        run = self._git("rev-parse", "--verify", "--quiet", "--end-of-options", f"{sha}^{{commit}}")
        return run.stdout.decode().strip() or None if run.returncode == 0 else None

    def contains(self, target_commit: str | None, sha: str) -> bool | None:
        """The target has the commit, or a commit naming it (a backport); None when not known."""
        if not self.repo or not target_commit:
            return None
        key = (target_commit, sha)
        if key not in self._known:
            self._known[key] = self._contains(target_commit, sha)
        return self._known[key]

    def _contains(self, target: str, sha: str) -> bool:
        if self._git("merge-base", "--is-ancestor", sha, target).returncode == 0:
            return True
        fork = self._git("merge-base", sha, target).stdout.decode().strip()
        since = [f"^{fork}"] if fork else []
        run = self._git("rev-list", "-1", "-F", f"--grep={sha}", target, *since, "--")
        return bool(run.stdout.strip())

    def _git(self, *args: str) -> subprocess.CompletedProcess:
        return subprocess.run(["git", "-C", self.repo, *args], capture_output=True)


def annotate(result: PortResult, ancestry: Ancestry, earlier: tuple[str | None, ...] = ()) -> PortResult:
    """The result with each target's Fixes: checks and stable hints.

    ``earlier``: the upstream ids of the patches before this one in the
    series; a Fixes: naming one of them is fixed within the series.
    """
    body = result.patch.meta.body
    fixes, hints = fixes_of(body), stable_lines(body)
    if not fixes and not hints:
        return result
    full = {sha: ancestry.resolve(sha) for sha, _ in fixes}
    full.update({sha: ancestry.resolve(sha) for _, _, sha, _ in hints if sha})
    ours = {sha: next((n for n, u in enumerate(earlier, 1) if u and (u == full[sha] or u.startswith(sha.lower()))),
                      None) for sha, _ in fixes}
    targets = tuple(_target(t, fixes, hints, full, ancestry, ours) for t in result.targets)
    return replace(result, targets=targets)


def _target(t: TargetResult, fixes, hints, full, ancestry: Ancestry, ours) -> TargetResult:
    checks = tuple(FixesCheck(sha, subject, full[sha],
                              ancestry.contains(t.commit, full[sha]) if full[sha] and not ours[sha] else None,
                              ours[sha])
                   for sha, subject in fixes)
    mine = series_name(t.target)
    ours = _numbers(mine)
    out = []
    for text, version, sha, subject in hints:
        wanted = _numbers(version)
        needed = None if not (ours and wanted) else ours >= wanted
        has = ancestry.contains(t.commit, full[sha]) if sha and full.get(sha) else None
        out.append(StableHint(text, version, sha, subject, mine, needed, has))
    return replace(t, fixes=checks, stable=tuple(out))


def describe(t: TargetResult) -> list[str]:
    """Plain sentences about a target's Fixes: and stable lines, for the reports."""
    out = []
    for f in t.fixes:
        name = f'{f.commit[:12]} ("{f.subject}")' if f.subject else f.commit[:12]
        if f.in_series:
            out.append(f"Fixes: {name}: patch {f.in_series} of this series")
        elif f.resolved is None:
            out.append(f"Fixes: {name}: not in the repository; cannot tell whether this target has the bug")
        elif f.in_target is None:
            out.append(f"Fixes: {name}: cannot tell whether this target contains it")
        elif f.in_target:
            out.append(f"Fixes: {name}: the target contains it, so it has the bug")
        else:
            out.append(f"Fixes: {name}: the target does not contain it (nor a backport of it): "
                       "it probably needs no fix")
    for h in t.stable:
        if h.needed is False:
            out.append(f"Cc: stable # {h.text}: the fix is wanted from {h.version} on; this target is "
                       f"{h.target_version}: it probably needs no fix")
        elif h.needed:
            out.append(f"Cc: stable # {h.text}: wanted from {h.version} on; this target ({h.target_version}) is included")
        if h.prerequisite:
            state = {True: "the target has it", False: "the target LACKS it: pick it first",
                     None: "cannot tell whether the target has it"}[h.in_target]
            out.append(f"prerequisite {h.prerequisite} ({h.subject}): {state}")
        elif h.needed is None and h.version:
            out.append(f"Cc: stable # {h.text}: the target's name does not say which series it is")
    return out


def doubts(t: TargetResult) -> list[str]:
    """The notes a maintainer must act on: a target with no bug to fix, a prerequisite it lacks."""
    return [x for x in describe(t) if "probably needs no fix" in x or "LACKS" in x]
