"""The pipeline: one reference patch, one base, several targets.

ingest (done by the caller) -> base (``repair_patch``) -> for each target:
locate (``scopes``) -> renames learned (``renames``) -> regenerate (``adapt``,
then ``regenerate``) -> verify (``checks``) -> judge -> result, giving one
``PortResult``.  Each stage adds its facts to the hunks' ``HunkWork``;
``judge`` alone turns them into verdicts.  Parsed files are shared by the
base and every target (``sources.ParseCache``); each target's result does not
depend on the others.
"""
from __future__ import annotations

from .adapt import adapt_hunks
from .base import repair_patch
from .checks import check_target
from .history import function_history
from .hunkwork import HunkWork, hunks_to_port
from .judge import Judgement, judge
from .model import Patch, PortResult, Repair, TargetResult, Verdict, diff_text
from .regenerate import regenerate_target
from .renames import learn_renames
from .scopes import locate_hunks
from .sources import ParseCache, Sources
from .tree import GitTree, Tree


def port(patch: Patch, base: Tree, targets: list[Tree], *, scratch: str | None = None,
         base_name: str | None = None, progress=None) -> PortResult:
    """Port one patch to every target; ``progress(target)`` is called after each."""
    repaired, repairs = repair_patch(patch, base)
    base_sources = Sources(base, ParseCache())
    results = []
    for target in targets:
        results.append(port_to(repaired, base_sources, target, repairs, scratch))
        if progress:
            progress(target)
    return PortResult(patch, base_name or base.name, base.commit, repairs, repaired, tuple(results))


def port_to(patch: Patch, base: Sources, target: Tree, repairs: tuple[Repair, ...], scratch) -> TargetResult:
    """One target: every stage in order on the hunks of the (repaired) patch."""
    tsrc = Sources(target, ParseCache(shared=base.cache))  # a file the same in both trees is parsed once
    target.prefetch([fp.path for fp in patch.files])  # one read of git objects, not one per file
    files = {fp.path: fp for fp in patch.files}
    work = hunks_to_port(patch, repairs)
    locate_hunks(work, files, base, tsrc)
    renames = learn_renames(w.scope for w in work if w.scope)
    adapt_hunks(work, renames, base, tsrc, scratch)
    written = regenerate_target(work, tsrc)
    checks = check_target(work, written, files, base, tsrc, scratch)
    judged = [(w, judge(w.facts())) for w in work]
    hunks = tuple(w.result(j) for w, j in judged)
    history = _history(judged, base.tree, target)
    return TargetResult(target.name, target.commit, hunks, diff_text(list(written.files)), tuple(checks),
                        history, files=written.files)


def _history(judged: list[tuple[HunkWork, Judgement]], base: Tree, target: Tree) -> tuple[str, ...]:
    """Commits behind the drift, for the hunks that did not apply as they are."""
    base, target = getattr(base, "inner", base), getattr(target, "inner", target)  # a series' overlay
    if not (isinstance(base, GitTree) and isinstance(target, GitTree)):
        return ()
    steady = (Verdict.EXACT, Verdict.OFFSET, Verdict.WHITESPACE)
    changes = [(w.path, w.scope.function, w.scope.target_path) for w, j in judged
               if w.scope is not None and j.verdict not in steady]
    return function_history(base, target, changes) if changes else ()
