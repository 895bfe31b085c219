"""The verify stage on one target: ``verify``'s checks run on what was written for it.

The whole target patch: ``git apply --check`` and the re-parse of each C
file it changes.  Each placed C hunk: its symbols, the arity of its calls,
the code checks.  Every finding goes on its hunk, and a failed check of the
patch makes the hunks it concerns not clean; ``judge`` reads them later.
"""
from __future__ import annotations

from . import verify
from .cparse import function_errors
from .hunkwork import HunkWork
from .locate import Edit, blocks
from .model import Check, FilePatch, FindingKind, Severity, diff_text
from .regenerate import Text, Written, apply_edits
from .sources import Sources, is_c


def check_target(work: list[HunkWork], written: Written, files: dict[str, FilePatch], base: Sources,
                 tsrc: Sources, scratch) -> list[Check]:
    """The checks of the target patch, in order (apply, then re-parse per file); the findings of
    every check are put on the hunks."""
    placed: dict[str, list[HunkWork]] = {}  # by target path, once (not a pass over every hunk per file)
    for w in work:
        if w.placed:
            placed.setdefault(w.located[0].target_path, []).append(w)
    checks = [_reparse(path, placed.get(path, []), written, files, base, tsrc)
              for path in (fp.path for fp in written.files) if is_c(path)]
    if written.files:
        checks.insert(0, verify.apply_check(diff_text(list(written.files)), written.before, scratch,
                                                tsrc.tree))
    check_hunks(work, base, tsrc)
    failed_checks(work, checks)
    return checks


def _reparse(path: str, ws: list[HunkWork], written: Written, files: dict[str, FilePatch], base: Sources,
             tsrc: Sources) -> Check:
    """The re-parse check of one file; ``ws``: the hunks placed in it, in order."""
    fns = {f for f in (w.located[0].function for w in ws) if f}
    before, after = tsrc.present(path), function_errors(written.after[path])
    grown = verify.grown(before, after, fns)  # the reference change's own growth matters only there
    return verify.reparse_check(path, before, after, fns, _base_growth(ws, files, base, set(grown)) if grown else {})


def _base_growth(ws: list[HunkWork], files: dict[str, FilePatch], base: Sources, fns: set[str]) -> dict[str, int]:
    """ERROR nodes the reference change itself adds to each function in the base."""
    growth: dict[str, int] = {}
    for path in {w.located[0].base_path for w in ws}:
        edits = tuple(Edit(b.first, len(b.removed), b.added) for h in files[path].hunks for b in blocks(h))
        after = _errors_after(base, path, edits)
        for name in fns:  # on the patched base, parsed once for all targets
            old, new = base.present(path).function(name), after.get(name)
            if old and new is not None:
                growth[name] = max(growth.get(name, 0), new - old.errors)
    return growth


def _errors_after(base: Sources, path: str, edits: tuple[Edit, ...]) -> dict[str, int]:
    """ERROR nodes per function of a base file once ``edits`` (the reference change, the same
    for every target) are applied: parsed once per port."""
    return base.derived(path, ("errors after", edits), lambda: function_errors(
        apply_edits(Text.of(base.text(path) or ""), list(edits)).render()))


def check_hunks(work: list[HunkWork], base: Sources, tsrc: Sources) -> None:
    """The checks of ``verify`` on every placed C hunk; their findings go on the hunk."""
    todo = [w for w in work if w.placed and is_c(w.located[0].target_path)]
    if not todo:
        return
    code = [hunk_code(w) for w in todo]
    everything = [tuple(o.added_lines()) for o in work]
    found = verify.check_symbols(code, everything, base.tree, tsrc.tree)
    for more in (verify.check_arity(code, everything, base.tree, tsrc.tree),
                 verify.check_code(code, everything, base.tree, tsrc.tree)):
        for key, extra in more.items():
            found[key].extend(extra)
    for w in todo:
        w.findings.extend(found[id(w)])


def hunk_code(w: HunkWork) -> verify.HunkCode:
    """What the checks read of a placed hunk."""
    s, p = w.located
    bl = tuple(blocks(w.hunk))
    edits = tuple(Edit(e.start, e.removed, w.added.get((e.start, e.removed), e.added)) for e in p.edits)
    paired = len(bl) == len(edits)
    return verify.HunkCode(id(w), s, tuple(w.added_lines()), tuple(x for b in bl for x in b.removed),
                           bl if paired else (), edits if paired else (), tuple(w.renames))


def failed_checks(work: list[HunkWork], checks: list[Check]) -> None:
    """A hunk is not clean when the verification of what was written for it failed."""
    for check in checks:
        if check.ok:
            continue
        for w in work:
            hit = check.name != "re-parse" or (w.scope is not None and f"{w.scope.function}()" in check.detail)
            if hit and w.placed:
                w.add(FindingKind.CHECK, Severity.REVIEW, f"{check.name} failed: {check.detail}")
