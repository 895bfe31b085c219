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
from collections.abc import Callable
from dataclasses import replace

from . import merge
from .clex import code_of
from .cparse import CFile, Function, UnitKind, identifiers
from .headers import respell_includes
from .hunkwork import HunkWork
from .indent import norm
from .locate import Edit, Placement, Scope, blocks, changed_lines, make_scope, paragraph_bound
from .model import FindingKind, Severity
from .regenerate import rewrite
from .renames import RenameMap, explained
from .sources import Sources, is_c
from .tree import Tree, kernel_version
from .verify import changes_flow, member_kept, order_matters, still_defined


def adapt_hunks(work: list[HunkWork], renames: RenameMap, base: Sources, tsrc: Sources, scratch) -> None:
    """Each placed hunk adapted to the target, or refused; refused placements merged if they can be."""
    older = _older(base.tree, tsrc.tree)
    for w in work:
        if w.in_play and w.placement is not None and w.placement.choices:
            _settle_by_merge(w, base, tsrc, scratch)
        if w.in_play:
            adapt(w, renames, base, tsrc, older)
        if _mergeable(w):
            _try_merge(w, base, tsrc, scratch)
        elif _function_absent(w, tsrc):
            _merge_absent(w, base, tsrc, scratch)


def _older(base: Tree, target: Tree) -> bool:
    """The target is an older kernel than the base (a backport), as far as their versions tell."""
    b, t = kernel_version(base), kernel_version(target)
    return b is not None and t is not None and t < b


def adapt(w: HunkWork, renames: RenameMap, bsrc: Sources, tsrc: Sources, older: bool = False) -> None:
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
    _rewrite_added(w, s, p, renames, _kept_calls(w, s, renames, tsrc) if older else set(), bsrc, tsrc)
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
    return _following_explained(w, s, p, renames, uses)


def _following_explained(w: HunkWork, s: Scope, p: Placement, renames: RenameMap, uses: set[str]) -> bool:
    """A statement the target changed right after an insertion whose previous statement it has
    unchanged: the added lines run before it, so its change is drift to show, not a reason to
    refuse, unless the added lines use a name the target's function no longer has."""
    have = set(identifiers("\n".join(code_of(x) for x in s.target_file.lines[s.target_span[0] - 1:s.target_span[1]])))
    for q in p.following:
        if q.base.kind != UnitKind.CODE or explained(q, renames, s.function):
            continue
        before, after = s.base_file.statement(q.base), s.target_file.statement(q.target)
        where = (f"{s.base_path}:{q.base.start}", f"{s.target_path}:{q.target.start}")
        gone = (_changed_names(q) & uses) - have
        if gone:
            w.add(FindingKind.ANCHOR, Severity.BLOCK,
                  f"anchor `{before}` is `{after}` in the target and no rename explains the difference", *where)
            return False
        w.add(FindingKind.DRIFT, Severity.INFO,
              f"the statement after the added lines, `{before}`, is `{after}` in the target; the one before "
              "them is unchanged", *where)
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


def _kept_calls(w: HunkWork, s: Scope, renames: RenameMap, tsrc: Sources) -> set[str]:
    """Functions the added lines call that the target calls by another name nearby but still
    has where its file can see them (``sysfs_emit()`` beside the target's ``sprintf()``): a
    backport keeps the fix's own calls where they build (stable's rule: as little change to the
    upstream code as the target needs), so these are not rewritten."""
    uses = set(identifiers("\n".join(code_of(x) for b in blocks(w.hunk) for x in b.added)))
    kept = {old for old, new in renames.for_function(s.function, pure_only=True).items()
            if old in uses and renames.call(old, new) and tsrc.declares(old, s.target_path)}
    for old in sorted(kept):
        w.add(FindingKind.KEPT_NAME, Severity.INFO,
              f"{old}() kept as the fix calls it: the target has it too, though its code around calls "
              f"{renames.get(old, s.function)}()")
    return kept


def _only_member(text: str, name: str) -> bool:
    """``name`` appears in the code only as a struct member (after ``->`` or ``.``)."""
    code = code_of(text)
    return all(re.search(r"(?:->|\.)\s*$", code[:m.start()]) for m in re.finditer(rf"\b{re.escape(name)}\b", code))


def _rewrite_added(w: HunkWork, s: Scope, p: Placement, renames: RenameMap, kept: set[str], bsrc: Sources,
                   tsrc: Sources) -> None:
    fn = s.function
    added = [x for b in blocks(w.hunk) for x in b.added]
    code = {o: n for o, n in renames.for_function(fn, pure_only=True).items() if o not in kept}
    comments = {o: n for o, n in renames.for_function(fn).items() if o not in kept}
    used: set[str] = set()
    for edit in p.edits:
        lines = []
        for line in edit.added:
            new, names = rewrite(line, code, comments)
            lines.append(new)
            used.update(names)
        w.added[(edit.start, edit.removed)] = tuple(lines)
    w.renames = [renames.rename(old, fn) for old in sorted(used)]
    _calls_changed_api(w, comments, code, lambda member: member_kept(bsrc.tree, tsrc.tree, s, added, member))


def _calls_changed_api(w: HunkWork, renamed: dict[str, str], code: dict[str, str],
                       member_holds: Callable[[str], bool]) -> None:
    """An added line calling a function whose target version takes other arguments is a conflict
    (``renamed``: every rename of the function; ``code``: those that are safe to make in code);
    a struct member the target's code around writes another way is kept where the target's
    struct still has it (``member_holds``): ``info->screen_buffer`` beside ``info->screen_base``."""
    changed = {old: new for old, new in renamed.items() if old not in code}
    lines = [x for v in w.added.values() for x in v]
    for line in lines:
        hit = next((n for n in identifiers(code_of(line)) if n in changed), None)
        if hit and _only_member("\n".join(lines), hit) and member_holds(hit):
            w.add(FindingKind.KEPT_NAME, Severity.INFO,
                  f"`{hit}` kept as the fix writes it: the target's struct has that member too, though its "
                  f"code around writes `{changed[hit]}`")
            changed.pop(hit)
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
    if not edits:
        return
    if not all(lo <= e.start <= hi + 1 for e in edits):
        base_fn = s.base_file.function(s.function) if s.function else None
        if base_fn is not None and s.base_path == s.target_path:
            _merged_elsewhere(w, (s.base_file, base_fn), s.target_file, s.target_function, edits)
        return
    _take_merge(w, edits, lambda why: f"the statement alignment did not place it ({why}); git merge-file places it")


def _take_merge(w: HunkWork, edits: tuple[Edit, ...], said: Callable[[str], str]) -> None:
    """The merge's places become the hunk's; every refusal it overrides stays as information,
    the first worded by ``said`` (the checks of the target still run on what is written)."""
    refused = [f for f in w.findings if f.severity is Severity.BLOCK]
    w.findings = [f for f in w.findings if f.severity is not Severity.BLOCK]
    for k, f in enumerate(refused):
        w.add(FindingKind.DRIFT, Severity.INFO, said(f.message) if k == 0 else f"also refused: {f.message}", *f.evidence)
    w.placement = Placement(edits=edits)
    w.added = {(e.start, e.removed): e.added for e in edits}
    w.strategy = merge.STRATEGY


# ---------------------------------------------------------------------------
# the 3-way merge, when the hunk's function is not in the target


def _function_absent(w: HunkWork, tsrc: Sources) -> bool:
    """Refused only because the target has no function of that name, in a file it has."""
    refused = [f for f in w.findings if f.severity is Severity.BLOCK]
    return (w.scope is None and len(refused) == 1 and refused[0].kind is FindingKind.ABSENT
            and bool(blocks(w.hunk)) and tsrc.file(w.path) is not None)


def _merge_absent(w: HunkWork, base: Sources, tsrc: Sources, scratch) -> None:
    """Place the hunk by a 3-way merge of its file (``_merged_elsewhere`` says when it is taken)."""
    bfile, base_text, target_text = base.file(w.path), base.text(w.path), tsrc.text(w.path)
    fn = bfile.function_at(changed_lines(w.hunk)[0]) if bfile else None
    if bfile is None or fn is None or base_text is None or target_text is None:
        return
    edits = merge.merge_hunk(base_text, target_text, blocks(w.hunk), scratch)
    tfile = tsrc.file(w.path)
    if edits and tfile is not None:
        _merged_elsewhere(w, (bfile, fn), tfile, None, edits)


def _merged_elsewhere(w: HunkWork, origin: tuple[CFile, Function], tfile: CFile, looked_in: str | None,
                      edits: tuple[Edit, ...]) -> None:
    """A clean merge that changes only the hunk's lines outside the function it was looked for in
    (``looked_in``, or none): taken when each place it chose is the only one of its kind in the
    target file and all are inside one function of the target, the hunk's home (relocated)."""
    bfile, base_fn = origin
    if not merge.unique_places(edits, tfile.lines, blocks(w.hunk), bfile.lines):
        return
    homes = {tfile.function_at(e.start + k) for e in edits for k in (0, max(e.removed, 1) - 1)}
    home = homes.pop() if len(homes) == 1 else None
    if home is None or home.name == looked_in:
        return
    w.scope = replace(make_scope(w.path, bfile, base_fn, w.path, tfile, home), home_evidence="git merge-file puts them there")
    _take_merge(w, edits, lambda why: f"{why}; git merge-file places the hunk in {home.name}(), "
                "at the one place of the file where its lines fit")


# ---------------------------------------------------------------------------
# the 3-way merge, where the target's anchors of an insertion are apart


def _settle_by_merge(w: HunkWork, base: Sources, tsrc: Sources, scratch) -> None:
    """An insertion the statement alignment placed against one of two anchors the target has
    apart goes where a clean ``git merge-file`` of the hunk puts it, when that is between them."""
    s, p = w.located
    base_text, target_text = base.text(s.base_path), tsrc.text(s.target_path)
    merged = merge.merge_hunk(base_text, target_text, blocks(w.hunk), scratch) if base_text and target_text else None
    edits, notes = list(p.edits), list(p.notes)
    for choice in p.choices:
        mine = next((e for e in edits if e.start == choice.at and not e.removed), None)
        theirs = [e for e in merged or () if not e.removed and choice.low <= e.start <= choice.high
                  and mine is not None and _same_lines(e.added, mine.added)]
        if len(theirs) != 1 and choice.note in notes:
            notes[notes.index(choice.note)] = _unconfirmed(w, s, choice, mine.added if mine else ())
        if mine is None or len(theirs) != 1 or theirs[0].start == mine.start:
            continue
        edits[edits.index(mine)] = theirs[0]
        notes[notes.index(choice.note)] = (choice.note.split("; placed")[0] + f"; placed at target line "
                                           f"{theirs[0].start}, where git merge-file puts it")
        w.strategy = merge.STRATEGY
    w.placement = replace(p, edits=tuple(sorted(edits, key=lambda e: e.start)), notes=tuple(notes))


def _unconfirmed(w: HunkWork, s: Scope, choice, added: tuple[str, ...]) -> str:
    """An insertion between anchors the target has apart that ``git merge-file`` does not place
    between them either: where among the target's lines it goes is a guess, for review when the
    order can matter (the lines between share a name with the added ones, or change the flow).
    Gives the placement's note as it now reads."""
    between = s.target_file.lines[choice.low - 1:choice.high - 1]
    if not order_matters(between, added):
        return f"{choice.note}; those lines share no name with the added ones and do not change the flow"
    if choice.base and paragraph_bound(s, choice.base, choice.at, added) and not changes_flow(between):
        return (f"{choice.note}; the added lines keep the base's paragraph there (the same statement beside "
                "them, a blank line on their other side) and the lines between do not change the flow")
    guess = (f"{choice.note}, a guess: git merge-file does not place it between them either, and those "
             "lines share names with the added ones or change the flow")
    w.add(FindingKind.PLACEMENT, Severity.REVIEW, guess)
    return guess


def _same_lines(a: tuple[str, ...], b: tuple[str, ...]) -> bool:
    return [norm(x) for x in a if x.strip()] == [norm(x) for x in b if x.strip()]
