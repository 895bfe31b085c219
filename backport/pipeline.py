"""The pipeline: one reference patch, one base, several targets.

ingest -> base (repair) -> understand (cparse) -> locate -> regenerate ->
verify, giving one ``PortResult``.  Parsed base files are shared by all
targets; each target's result does not depend on the others.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from .base import repair_patch
from .cparse import CFile, Function, UnitKind, identifiers
from .indent import norm
from .locate import Edit, LineMap, Placement, Scope, blocks, changed_lines, make_scope, place, same_body
from .judge import Facts, Judgement, Placed, judge
from .model import (TEXT_CHANGES, Check, FileKind, FilePatch, Finding, FindingKind, Hunk, HunkResult, Patch,
                    Place, PortResult, Rename, Severity, TargetResult, Verdict, diff_text)
from .regenerate import Text, apply_edits, make_hunks, overlapping, rewrite, trim
from .renames import RenameMap, Taught, explained, learn_from
from .headers import respell_includes
from .history import function_history
from .sources import ParseCache, Sources, is_c
from .tree import GitTree, Tree
from . import merge, verify


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


# ---------------------------------------------------------------------------
# one target


@dataclass
class _Hunkwork:
    """What is known about one reference hunk on one target while it is ported.

    Facts only: where it goes, what it adds, the findings of the checks.  The
    verdict is decided once, by ``judge.judge``, from these facts.
    """

    path: str
    index: int
    hunk: Hunk
    repaired: bool
    scope: Scope | None = None
    placement: Placement | None = None
    added: dict[tuple[int, int], tuple[str, ...]] = field(default_factory=dict)
    renames: list[Rename] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    already: bool = False  # the target already has the change
    out: Hunk | None = None  # the hunk written for the target
    target_place: Place | None = None
    strategy: str = ""  # how it was placed when not by the statement alignment

    def add(self, kind: FindingKind, severity: Severity, message: str, *evidence: str) -> None:
        self.findings.append(Finding(kind, severity, message, evidence))

    @property
    def in_play(self) -> bool:
        """Not refused and not already applied: still to be placed and checked."""
        return not self.already and not any(f.severity is Severity.BLOCK for f in self.findings)

    @property
    def placed(self) -> bool:
        return self.out is not None and self.in_play


def port_to(patch: Patch, base: Sources, target: Tree, repairs, scratch) -> TargetResult:
    tsrc = Sources(target, base.cache)  # a file the same in both trees is parsed once
    target.prefetch([fp.path for fp in patch.files])  # one read of git objects, not one per file
    repaired_at = {(r.path, r.hunk) for r in repairs if r.restored or r.reindented}
    work = [_Hunkwork(fp.path, i, h, (fp.path, i) in repaired_at)
            for fp in patch.files for i, h in enumerate(fp.hunks, 1)]
    work += [_file_change(fp) for fp in patch.files if fp.kind not in TEXT_CHANGES]
    files = {fp.path: fp for fp in patch.files}
    scopes: dict[tuple, Scope | None] = {}
    for w in work:
        _locate(w, files[w.path], base, tsrc, scopes)
    renames = _learn(w for w in work if w.scope)
    for w in work:
        if w.in_play:
            _prepare(w, renames, tsrc)
        if _mergeable(w):
            _try_merge(w, base, tsrc, scratch)
    file_patches, checks = _regenerate(work, files, base, tsrc, scratch)
    _check(work, base, tsrc)
    _failed_checks(work, checks)
    judged = [(w, judge(_facts(w))) for w in work]
    hunks = tuple(_result(w, j) for w, j in judged)
    history = _history(judged, base.tree, target)
    return TargetResult(target.name, target.commit, hunks, diff_text(file_patches), tuple(checks), history,
                        files=tuple(file_patches))


def _history(judged, base: Tree, target: Tree) -> tuple[str, ...]:
    """Commits behind the drift, for the hunks that did not apply as they are."""
    base, target = getattr(base, "inner", base), getattr(target, "inner", target)  # a series' overlay
    if not (isinstance(base, GitTree) and isinstance(target, GitTree)):
        return ()
    steady = (Verdict.EXACT, Verdict.OFFSET, Verdict.WHITESPACE)
    changes = [(w.path, w.scope.function, w.scope.target_path) for w, j in judged
               if w.scope is not None and j.verdict not in steady]
    return function_history(base, target, changes) if changes else ()


_WHAT = {FileKind.BINARY: "binary change", FileKind.MODE: "mode change", FileKind.RENAME: "rename", FileKind.COPY: "copy"}


def _file_change(fp: FilePatch) -> _Hunkwork:
    """What a patch does to a file besides its hunks: reported, never dropped."""
    w = _Hunkwork(fp.path, 0, Hunk(0, 0, 0, 0, "", ()), False)
    detail = "; ".join(fp.extended) if fp.extended else fp.path
    w.add(FindingKind.FILE_CHANGE, Severity.BLOCK,
          f"{_WHAT.get(fp.kind, fp.kind)} of {fp.path} is not ported automatically ({detail}): apply it by hand")
    return w


def _locate(w: _Hunkwork, fp: FilePatch, base: Sources, tsrc: Sources, scopes) -> None:
    if not w.in_play:
        return
    if fp.kind in (FileKind.ADD, FileKind.DELETE, FileKind.BINARY):
        w.add(FindingKind.FILE_CHANGE, Severity.BLOCK, f"{fp.kind} of a whole file is not ported automatically")
        return
    bfile = base.file(fp.path)
    first, last = changed_lines(w.hunk)
    fn = _enclosing(bfile, first, last)
    key = (fp.path, fn.name if fn else None)
    if key not in scopes:  # one scope, and one line map, however many hunks share it
        scope = _find_scope(fp.path, bfile, fn, tsrc)
        scopes[key] = (scope, LineMap(scope) if scope else None)
    w.scope, line_map = scopes[key]
    if w.scope is None:
        what = f"{fn.name}() is" if fn else f"{fp.path} is"
        w.add(FindingKind.ABSENT, Severity.BLOCK, f"{what} not in the target tree")
        return
    _found_by_text(w, fn, tsrc.file(w.scope.target_path))
    w.placement = place(w.hunk, w.scope, line_map)


def _found_by_text(w: _Hunkwork, fn: Function | None, tfile: CFile | None) -> None:
    """Say so when tree-sitter gave up on the hunk's function (kernel macros) and it was found by
    its text: never used silently (the statements it is aligned by are then rougher)."""
    where = [side for side, f in (("base", fn), ("target", tfile.function(w.scope.target_function or "")
                                                 if tfile and w.scope.target_function else None))
             if f is not None and f.by_text]
    if where:
        w.add(FindingKind.PARSE, Severity.INFO, f"tree-sitter could not parse {fn.name}() in the "
              f"{' and the '.join(where)}: the function was found by its text")


def _enclosing(cfile: CFile, first: int, last: int) -> Function | None:
    fn = cfile.function_at(first)
    return fn if fn and fn.start <= last <= fn.end else None


def _find_scope(path: str, bfile: CFile, fn: Function | None, tsrc: Sources) -> Scope | None:
    tfile = tsrc.file(path)
    if fn is None:
        return make_scope(path, bfile, None, path, tfile, None) if tfile else None
    if tfile and tfile.function(fn.name):
        return make_scope(path, bfile, fn, path, tfile, tfile.function(fn.name))
    for other in tsrc.definitions(fn.name, path):
        ofile = tsrc.file(other)
        if other != path and ofile and ofile.function(fn.name):
            return make_scope(path, bfile, fn, other, ofile, ofile.function(fn.name))
    renamed = same_body(bfile, fn, tsrc.bodies(path)) if tfile else None
    return make_scope(path, bfile, fn, path, tfile, renamed) if renamed else None


def _learn(work) -> RenameMap:
    """Renames taught by the changed statements of every scope of this target.

    An identifier counts as renamed only if the target's scope no longer uses
    it and the base's scope never used its new name.
    """
    taught: list[Taught] = []
    scopes = {id(w.scope): w.scope for w in work}
    for s in scopes.values():
        base_ids = _scope_tokens(s.base_file, s.base_span)
        target_ids = _scope_tokens(s.target_file, s.target_span)
        for pair in s.alignment.pairs:
            evidence = (f"{s.base_path}:{pair.base.start} `{_first(s.base_file, pair.base)}` -> "
                        f"{s.target_path}:{pair.target.start} `{_first(s.target_file, pair.target)}`")
            taught.extend(t for t in learn_from(pair, s.function, evidence)
                          if _still_new(t, base_ids, target_ids, s))
    return RenameMap(taught)


def _still_new(t: Taught, base_ids: set[str], target_ids: set[str], s: Scope) -> bool:
    """The target no longer spells it the old way, and the base never spelled it the new way."""
    if "->" in t.old or "." in t.old:
        return t.old not in _compact(s.target_file, s.target_span) and t.new not in _compact(s.base_file, s.base_span)
    return t.old not in target_ids and t.new not in base_ids


def _compact(cfile: CFile, span: tuple[int, int]) -> str:
    return "\n".join("".join(u.tokens) for u in cfile.units_between(*span))


def _scope_tokens(cfile: CFile, span: tuple[int, int]) -> set[str]:
    return {tok for u in cfile.units_between(*span) for tok in u.tokens}


def _first(cfile: CFile, unit) -> str:
    return " ".join(" ".join(cfile.lines[unit.start - 1:unit.end]).split())


def _prepare(w: _Hunkwork, renames: RenameMap, tsrc: Sources) -> None:
    """Already applied, or the placement's findings and the added lines for the target."""
    p, s = w.placement, w.scope
    if _already_applied(w, renames, tsrc):
        w.already = True
        return
    for problem in p.problems:
        w.add(FindingKind.PLACEMENT, Severity.BLOCK, problem)
    if p.problems:
        return
    unexplained = [q for q in p.weak if q.base.kind == UnitKind.CODE and not explained(q, renames, s.function)]
    uses = set(identifiers("\n".join(verify.code_of(x) for b in blocks(w.hunk) for x in b.added)))
    for q in unexplained:
        before, after = _first(s.base_file, q.base), _first(s.target_file, q.target)
        where = (f"{s.base_path}:{q.base.start}", f"{s.target_path}:{q.target.start}")
        changed = _changed_names(q)
        if _controls(q) or changed & uses or not changed:
            w.add(FindingKind.ANCHOR, Severity.BLOCK,
                  f"anchor `{before}` is `{after}` in the target and no rename explains the difference", *where)
            return
        w.add(FindingKind.DRIFT, Severity.INFO,
              f"anchor `{before}` is `{after}` in the target; the added lines use nothing that changed there", *where)
    _rewrite_added(w, renames)
    if w.in_play and is_c(s.target_path):
        _respell_headers(w, tsrc.tree)
    for note in p.notes:
        w.add(FindingKind.DRIFT, Severity.INFO, note)


_MERGEABLE = frozenset({FindingKind.PLACEMENT, FindingKind.ANCHOR})


def _mergeable(w: _Hunkwork) -> bool:
    """Refused by the statement alignment only: worth the next strategy."""
    refused = [f for f in w.findings if f.severity is Severity.BLOCK]
    return w.scope is not None and not w.already and bool(refused) and all(f.kind in _MERGEABLE for f in refused)


def _try_merge(w: _Hunkwork, base: Sources, tsrc: Sources, scratch) -> None:
    """Place the hunk by a 3-way merge of base file, patched base file and target file; taken
    only when clean, inside the hunk's function in the target, and changing only its lines."""
    s = w.scope
    base_text, target_text = base.text(s.base_path), tsrc.text(s.target_path)
    if base_text is None or target_text is None:
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


_CONTROL = frozenset({"if", "else", "for", "while", "switch", "case", "do", "return", "goto", "break", "continue", "#"})


def _controls(q) -> bool:
    """A changed anchor that steers control flow (its condition or exit changed): never a mere drift."""
    return bool(_CONTROL & (set(q.base.tokens[:2]) | set(q.target.tokens[:2]))) or "{" in q.base.tokens + q.target.tokens


def _changed_names(q) -> set[str]:
    """Identifiers the base's statement has and the target's version of it no longer does."""
    return set(identifiers(" ".join(q.base.tokens))) - set(identifiers(" ".join(q.target.tokens)))


def _respell_headers(w: _Hunkwork, target: Tree) -> None:
    for key, lines in list(w.added.items()):
        new, renames, warnings = respell_includes(lines, target)
        w.added[key] = new
        w.renames.extend(renames)
        for warning in warnings:
            w.add(FindingKind.HEADER, Severity.REVIEW, warning)


def _rewrite_added(w: _Hunkwork, renames: RenameMap) -> None:
    fn = w.scope.function
    code, comments = renames.for_function(fn, pure_only=True), renames.for_function(fn)
    used: set[str] = set()
    for edit in w.placement.edits:
        lines = []
        for line in edit.added:
            new, names = rewrite(line, code, comments)
            lines.append(new)
            used.update(names)
        w.added[(edit.start, edit.removed)] = tuple(lines)
    w.renames = [renames.rename(old, fn) for old in sorted(used)]
    _calls_changed_api(w, renames, code)


def _calls_changed_api(w: _Hunkwork, renames: RenameMap, code: dict[str, str]) -> None:
    """An added line calling a function whose target version takes other arguments is a conflict."""
    changed = {old: new for old, new in renames.for_function(w.scope.function).items() if old not in code}
    for line in (x for v in w.added.values() for x in v):
        hit = next((n for n in identifiers(verify.code_of(line)) if n in changed), None)
        if hit:
            call = re.search(rf"\b{re.escape(hit)}\s*\(", verify.code_of(line)) is not None
            what = (f"{hit}(), which the target replaced by {changed[hit]}() with other arguments: adapt the call"
                    if call else f"`{hit}`, which the target replaced by `{changed[hit]}` in another form: adapt it")
            w.add(FindingKind.CHANGED_API, Severity.BLOCK, f"an added line uses {what} by hand")
            return


def _already_applied(w: _Hunkwork, renames: RenameMap, tsrc: Sources) -> bool:
    s = w.scope
    lines = tsrc.normalised(s.target_path, s.target_span)
    table = renames.for_function(s.function)
    new = [norm(rewrite(x, table)[0]) for x in w.hunk.new_lines if x.strip()]
    old = [norm(rewrite(x, table)[0]) for x in w.hunk.old_lines if x.strip()]
    if _contains(lines, new) and not _contains(lines, old):
        removed = [x for b in blocks(w.hunk) for x in b.removed]
        return not verify.still_defined(removed, s.target_file.lines[s.target_span[0] - 1:s.target_span[1]])
    added = [b for b in blocks(w.hunk) if b.added]
    if not added or any(b.removed for b in added):
        return False
    return all(_contains(lines, [norm(rewrite(x, table)[0]) for x in b.added if x.strip()]) for b in added) \
        and w.placement is not None and bool(w.placement.problems) is False and _adjacent_copy(w, table)


def _adjacent_copy(w: _Hunkwork, table) -> bool:
    """Each inserted block already sits right at its insertion point in the target,
    and does not in the base (where the patch would be adding a second copy)."""
    s = w.scope
    inserted = sorted((b for b in blocks(w.hunk) if b.added), key=lambda b: b.first)
    edits = sorted(w.placement.edits, key=lambda e: e.start)
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


def _regenerate(work, files, base: Sources, tsrc: Sources, scratch) -> tuple[list[FilePatch], list[Check]]:
    by_path: dict[str, list[_Hunkwork]] = {}
    for w in work:
        if w.in_play:
            by_path.setdefault(w.scope.target_path, []).append(w)
    out, checks, originals = [], [], {}
    for path, ws in by_path.items():
        text = Text.of(tsrc.text(path))
        tagged = [(id(w), e) for w in ws for e in (_final_edit(w, x, text) for x in w.placement.edits)
                  if e.removed or e.added]
        if overlapping([e for _, e in tagged]):
            _overlap_conflict(ws)
            continue
        hunks = make_hunks(text, tagged)
        _verdicts(ws, hunks, files, path)
        out.append(FilePatch(path, path, tuple(h for h, _ in hunks)))
        originals[path] = text.render()
        after = apply_edits(text, [e for _, e in tagged]).render()
        fns = {w.scope.function for w in ws if w.scope.function}
        if is_c(path):
            growth = _base_growth(ws, files, base, fns)
            checks.append(verify.reparse_check(path, tsrc.file(path), after, fns, growth))
    if out:
        checks.insert(0, verify.apply_check(diff_text(out), originals, scratch))
    return out, checks


def _base_growth(ws, files, base: Sources, fns: set[str]) -> dict[str, int]:
    """ERROR nodes the reference change itself adds to each function in the base."""
    growth: dict[str, int] = {}
    for path in {w.scope.base_path for w in ws}:
        edits = tuple(Edit(b.first, len(b.removed), b.added) for h in files[path].hunks for b in blocks(h))
        after = base.errors_after(path, edits)
        for name in fns:  # as verify.error_growth, on the patched base parsed once for all targets
            old, new = base.file(path).function(name), after.get(name)
            if old and new is not None:
                growth[name] = max(growth.get(name, 0), new - old.errors)
    return growth


def _final_edit(w: _Hunkwork, edit: Edit, text: Text) -> Edit:
    return trim(Edit(edit.start, edit.removed, w.added.get((edit.start, edit.removed), edit.added)), text.lines)


def _overlap_conflict(ws) -> None:
    for w in ws:
        w.add(FindingKind.OVERLAP, Severity.BLOCK, "its place in the target overlaps another hunk's")


def _verdicts(ws, hunks, files, path) -> None:
    """Each hunk's written form and where it lands (the verdict comes later, from ``judge``)."""
    written = {tag: h for h, tags in hunks for tag in tags}
    for w in ws:
        hunk = written[id(w)]
        w.out = hunk
        w.target_place = Place(path, w.scope.function, hunk.old_start, hunk.old_start + max(hunk.old_count - 1, 0))


def _facts(w: _Hunkwork) -> Facts:
    """The facts ``judge`` decides a hunk's verdict from."""
    placed = None
    if w.placed:
        s = w.scope
        placed = Placed(s.new_home if s.relocated else None, tuple(w.renames), bool(w.placement.replaced),
                        _embedded(w.hunk, w.out), min(e.start for e in w.placement.edits) - changed_lines(w.hunk)[0],
                        w.repaired, w.strategy)
    return Facts(tuple(w.findings), w.already, placed)


def _embedded(ref: Hunk, out: Hunk) -> bool:
    want = [(ln.kind, ln.text) for ln in ref.lines]
    have = [(ln.kind, ln.text) for ln in out.lines]
    n = len(want)
    return any(have[i:i + n] == want for i in range(len(have) - n + 1))


def _check(work, base: Sources, tsrc: Sources) -> None:
    """The checks of ``verify`` on every placed C hunk; their findings go on the hunk."""
    todo = [w for w in work if w.placed and is_c(w.scope.target_path)]
    if not todo:
        return
    code = [_code(w) for w in todo]
    everything = [tuple(_added(o)) for o in work]
    found = verify.check_symbols(code, everything, base.tree, tsrc.tree)
    for more in (verify.check_arity(code, everything, base.tree, tsrc.tree),
                 verify.check_code(code, everything, base.tree, tsrc.tree)):
        for key, extra in more.items():
            found[key].extend(extra)
    for w in todo:
        w.findings.extend(found[id(w)])


def _code(w: _Hunkwork) -> verify.HunkCode:
    """What the checks read of a placed hunk."""
    bl = tuple(blocks(w.hunk))
    edits = tuple(Edit(e.start, e.removed, w.added.get((e.start, e.removed), e.added)) for e in w.placement.edits)
    paired = len(bl) == len(edits)
    return verify.HunkCode(id(w), w.scope, tuple(_added(w)), tuple(x for b in bl for x in b.removed),
                           bl if paired else (), edits if paired else ())


def _failed_checks(work, checks) -> None:
    """A hunk is not clean when the verification of what was written for it failed."""
    for check in checks:
        if check.ok:
            continue
        for w in work:
            hit = check.name != "re-parse" or (w.scope is not None and f"{w.scope.function}()" in check.detail)
            if hit and w.placed:
                w.add(FindingKind.CHECK, Severity.REVIEW, f"{check.name} failed: {check.detail}")


def _added(w: _Hunkwork) -> list[str]:
    return [x for v in w.added.values() for x in v] or [x for b in blocks(w.hunk) for x in b.added]


def _result(w: _Hunkwork, j: Judgement) -> HunkResult:
    s = w.scope
    bplace = None
    if s is not None:
        first, last = changed_lines(w.hunk)
        bplace = Place(w.path, s.function, first, last)
    target_text = None
    if w.placement and w.placement.replaced:
        target_text = "\n".join(w.placement.replaced)
    elif j.verdict is Verdict.CONFLICT and s is not None:
        target_text = "\n".join(s.target_file.lines[s.target_span[0] - 1:s.target_span[1]][:80])
    regenerated = w.out.text() if w.out is not None else None
    return HunkResult(w.path, w.index, j.verdict, j.reason, bplace, w.target_place, w.hunk.text(),
                      regenerated, target_text, tuple(w.renames), j.warnings)
