"""The added lines made the target's, for every placed hunk of one target.

For each hunk ``scopes`` placed: is the change already in the target; do the
anchors that changed in the target have a rename that explains them; the
target's names and include paths in the added lines (each rename reported);
an added line calling an API the target changed is refused.  A hunk the
statement alignment refused gets one more chance: a 3-way merge of its file
(``merge``), taken only when clean and inside the hunk's function.
"""
from __future__ import annotations

import re

from . import merge
from .clex import code_of
from .cparse import UnitKind, identifiers
from .headers import respell_includes
from .hunkwork import HunkWork
from .indent import norm
from .locate import Placement, Scope, blocks
from .model import FindingKind, Severity
from .regenerate import rewrite
from .renames import RenameMap, explained
from .sources import Sources, is_c
from .tree import Tree
from .verify import still_defined


def adapt_hunks(work: list[HunkWork], renames: RenameMap, base: Sources, tsrc: Sources, scratch) -> None:
    """Each placed hunk adapted to the target, or refused; refused placements merged if they can be."""
    for w in work:
        if w.in_play:
            adapt(w, renames, tsrc)
        if _mergeable(w):
            _try_merge(w, base, tsrc, scratch)


def adapt(w: HunkWork, renames: RenameMap, tsrc: Sources) -> None:
    """Already applied, or the placement's findings and the added lines for the target."""
    s, p = w.scope, w.placement
    if s is None or p is None:  # not located: nothing to adapt
        return
    if already_applied(w, s, renames, tsrc):
        w.already = True
        return
    for problem in p.problems:
        w.add(FindingKind.PLACEMENT, Severity.BLOCK, problem)
    if p.problems or not _anchors_explained(w, s, p, renames):
        return
    _rewrite_added(w, s.function, p, renames)
    if w.in_play and is_c(s.target_path):
        _respell_headers(w, tsrc.tree)
    for note in p.notes:
        w.add(FindingKind.DRIFT, Severity.INFO, note)


def _anchors_explained(w: HunkWork, s: Scope, p: Placement, renames: RenameMap) -> bool:
    """Each anchor the target changed is a drift the added lines do not depend on; else refused."""
    unexplained = [q for q in p.weak
                   if q.base.kind == UnitKind.CODE and not explained(q, renames, s.function)]
    uses = set(identifiers("\n".join(code_of(x) for b in blocks(w.hunk) for x in b.added)))
    for q in unexplained:
        before, after = s.base_file.statement(q.base), s.target_file.statement(q.target)
        where = (f"{s.base_path}:{q.base.start}", f"{s.target_path}:{q.target.start}")
        changed = _changed_names(q)
        if _controls(q) or changed & uses or not changed:
            w.add(FindingKind.ANCHOR, Severity.BLOCK,
                  f"anchor `{before}` is `{after}` in the target and no rename explains the difference", *where)
            return False
        w.add(FindingKind.DRIFT, Severity.INFO,
              f"anchor `{before}` is `{after}` in the target; the added lines use nothing that changed there", *where)
    return True


_CONTROL = frozenset({"if", "else", "for", "while", "switch", "case", "do", "return", "goto", "break", "continue", "#"})


def _controls(q) -> bool:
    """A changed anchor that steers control flow (its condition or exit changed): never a mere drift."""
    return bool(_CONTROL & (set(q.base.tokens[:2]) | set(q.target.tokens[:2]))) or "{" in q.base.tokens + q.target.tokens


def _changed_names(q) -> set[str]:
    """Identifiers the base's statement has and the target's version of it no longer does."""
    return set(identifiers(" ".join(q.base.tokens))) - set(identifiers(" ".join(q.target.tokens)))


def _respell_headers(w: HunkWork, target: Tree) -> None:
    for key, lines in list(w.added.items()):
        new, renames, warnings = respell_includes(lines, target)
        w.added[key] = new
        w.renames.extend(renames)
        for warning in warnings:
            w.add(FindingKind.HEADER, Severity.REVIEW, warning)


def _rewrite_added(w: HunkWork, fn: str | None, p: Placement, renames: RenameMap) -> None:
    code, comments = renames.for_function(fn, pure_only=True), renames.for_function(fn)
    used: set[str] = set()
    for edit in p.edits:
        lines = []
        for line in edit.added:
            new, names = rewrite(line, code, comments)
            lines.append(new)
            used.update(names)
        w.added[(edit.start, edit.removed)] = tuple(lines)
    w.renames = [renames.rename(old, fn) for old in sorted(used)]
    _calls_changed_api(w, renames.for_function(fn), code)


def _calls_changed_api(w: HunkWork, renamed: dict[str, str], code: dict[str, str]) -> None:
    """An added line calling a function whose target version takes other arguments is a conflict
    (``renamed``: every rename of the function; ``code``: those that are safe to make in code)."""
    changed = {old: new for old, new in renamed.items() if old not in code}
    for line in (x for v in w.added.values() for x in v):
        hit = next((n for n in identifiers(code_of(line)) if n in changed), None)
        if hit:
            call = re.search(rf"\b{re.escape(hit)}\s*\(", code_of(line)) is not None
            what = (f"{hit}(), which the target replaced by {changed[hit]}() with other arguments: adapt the call"
                    if call else f"`{hit}`, which the target replaced by `{changed[hit]}` in another form: adapt it")
            w.add(FindingKind.CHANGED_API, Severity.BLOCK, f"an added line uses {what} by hand")
            return


# ---------------------------------------------------------------------------
# a change the target already has


def already_applied(w: HunkWork, s: Scope, renames: RenameMap, tsrc: Sources) -> bool:
    """The target's scope ``s`` already has the change the hunk makes."""
    lines = tsrc.derived(s.target_path, ("normalised", s.target_span), lambda: [
        norm(x) for x in s.target_file.lines[s.target_span[0] - 1:s.target_span[1]] if x.strip()])
    table = renames.for_function(s.function)
    new = [norm(rewrite(x, table)[0]) for x in w.hunk.new_lines if x.strip()]
    old = [norm(rewrite(x, table)[0]) for x in w.hunk.old_lines if x.strip()]
    if _contains(lines, new) and not _contains(lines, old):
        removed = [x for b in blocks(w.hunk) for x in b.removed]
        return not still_defined(removed, s.target_file.lines[s.target_span[0] - 1:s.target_span[1]])
    added = [b for b in blocks(w.hunk) if b.added]
    if not added or any(b.removed for b in added):
        return False
    return all(_contains(lines, [norm(rewrite(x, table)[0]) for x in b.added if x.strip()]) for b in added) \
        and w.placement is not None and bool(w.placement.problems) is False and _adjacent_copy(w, s, w.placement, table)


def _adjacent_copy(w: HunkWork, s: Scope, p: Placement, table: dict[str, str]) -> bool:
    """Each inserted block already sits right at its insertion point in the target,
    and does not in the base (where the patch would be adding a second copy)."""
    inserted = sorted((b for b in blocks(w.hunk) if b.added), key=lambda b: b.first)
    edits = sorted(p.edits, key=lambda e: e.start)
    if len(inserted) != len(edits):
        return False
    for block, edit in zip(inserted, edits):
        want = [norm(rewrite(x, table)[0]) for x in edit.added if x.strip()]
        if not _sits_at(s.target_file.lines, edit.start, want) or _sits_at(s.base_file.lines, block.first, want):
            return False
    return True


def _sits_at(lines: tuple[str, ...], at: int, want: list[str]) -> bool:
    """``want`` (normalised, non-blank) right after or right before line ``at`` (blank lines skipped)."""
    after = [norm(x) for x in lines[at - 1:at - 1 + len(want) + 4] if x.strip()][:len(want)]
    before = [norm(x) for x in lines[max(0, at - 1 - len(want) - 4):at - 1] if x.strip()][-len(want):]
    return bool(want) and (after == want or before == want)


def _contains(hay: list[str], needle: list[str]) -> bool:
    if not needle:
        return False
    n = len(needle)
    return any(hay[i:i + n] == needle for i in range(len(hay) - n + 1))


# ---------------------------------------------------------------------------
# the 3-way merge, when the statement alignment refused


_MERGEABLE = frozenset({FindingKind.PLACEMENT, FindingKind.ANCHOR})


def _mergeable(w: HunkWork) -> bool:
    """Refused by the statement alignment only: worth the next strategy."""
    refused = [f for f in w.findings if f.severity is Severity.BLOCK]
    return w.scope is not None and not w.already and bool(refused) and all(f.kind in _MERGEABLE for f in refused)


def _try_merge(w: HunkWork, base: Sources, tsrc: Sources, scratch) -> None:
    """Place the hunk by a 3-way merge of base file, patched base file and target file; taken
    only when clean, inside the hunk's function in the target, and changing only its lines."""
    s = w.scope
    base_text = base.text(s.base_path) if s else None
    target_text = tsrc.text(s.target_path) if s else None
    if s is None or base_text is None or target_text is None:
        return
    edits = merge.merge_hunk(base_text, target_text, blocks(w.hunk), scratch)
    lo, hi = s.target_span
    if not edits or not all(lo <= e.start <= hi + 1 for e in edits):
        return
    refused = next(f for f in w.findings if f.severity is Severity.BLOCK)
    w.findings = [f for f in w.findings if f.severity is not Severity.BLOCK]
    w.add(FindingKind.DRIFT, Severity.INFO,
          f"the statement alignment did not place it ({refused.message}); git merge-file places it", *refused.evidence)
    w.placement = Placement(edits=edits)
    w.added = {(e.start, e.removed): e.added for e in edits}
    w.strategy = merge.STRATEGY
