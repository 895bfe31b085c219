"""The locate stage: find, in a target tree, the place of every change block of
a hunk.

A hunk's *scope* is the function enclosing its changes (or the whole file for
changes outside any function).  The base scope is aligned statement by
statement with the same function in the target (same path; else the file it
moved to).  From the alignment comes a line map, and from the line map the
target lines each change block removes and where its added lines go.
"""
from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from dataclasses import dataclass
from difflib import SequenceMatcher

from .align import Alignment, Pair, align
from .clex import declared_locals
from .cparse import CFile, Function, Unit, UnitKind
from .indent import norm
from .model import CONTEXT, NO_EOL, REMOVED, Hunk

SAME_BODY = "same body"
_INCLUDE = re.compile(r"^\s*#\s*include\s*[<\"]")  # "#include <linux/mm.h>"
SKIP = 2  # base statements the target dropped that may sit between a change and its anchor


@dataclass(frozen=True)
class Scope:
    base_path: str
    target_path: str
    function: str | None
    base_span: tuple[int, int]
    target_span: tuple[int, int]
    base_file: CFile
    target_file: CFile
    alignment: Alignment
    target_function: str | None = None
    home_evidence: str = SAME_BODY  # what shows the target function is the base's

    @property
    def relocated(self) -> bool:
        return self.base_path != self.target_path or self.target_function != self.function

    @property
    def new_home(self) -> str:
        """Where the function lives in the target, in words."""
        if self.function is None:
            return f"{self.base_path} is not in the target; its functions are in {self.target_path}, and so is this part of it"
        where = f"{self.target_function}()" if self.target_function != self.function else f"{self.function}()"
        moved = f" in {self.target_path}" if self.target_path != self.base_path else ""
        if self.target_function != self.function and self.home_evidence != SAME_BODY:
            return f"the lines of {self.function}() it changes are in {where}{moved} in the target ({self.home_evidence})"
        if self.target_function != self.function:
            return f"{self.function}() is {where}{moved} in the target ({self.home_evidence})"
        return f"{self.function}() now lives in {self.target_path}"


@dataclass(frozen=True)
class Block:
    """One run of removed/added lines; ``first`` is the base line it starts at."""

    first: int
    removed: tuple[str, ...]
    added: tuple[str, ...]

    @property
    def last(self) -> int:
        return self.first + len(self.removed) - 1


@dataclass(frozen=True)
class Edit:
    """Replace ``removed`` target lines from ``start`` with ``added`` (1-based)."""

    start: int
    removed: int
    added: tuple[str, ...]


@dataclass(frozen=True)
class Placement:
    edits: tuple[Edit, ...] = ()
    problems: tuple[str, ...] = ()  # why it cannot be placed (conflict)
    notes: tuple[str, ...] = ()  # how the context drifted
    weak: tuple[Pair, ...] = ()  # changed statements used as anchors
    replaced: tuple[str, ...] = ()  # target text replaced as a drifted block
    following: tuple[Pair, ...] = ()  # changed statements right after an insertion whose previous one is unchanged
    choices: tuple[Choice, ...] = ()  # insertions whose target anchors are apart


@dataclass(frozen=True)
class Choice:
    """An insertion placed at ``at``, one of the target lines ``low``..``high`` between its
    anchors, which the target has apart; ``note`` says so."""

    at: int
    low: int
    high: int
    note: str
    base: int = 0  # the base line the insertion goes before


def paragraph_bound(s: Scope, base_at: int, target_at: int, added: tuple[str, ...]) -> bool:
    """The added lines sit in the target's paragraphs as in the base's: right after the statement
    before them with a blank line after them (``mutex_init(&priv->lock);`` + the added
    ``rwlock_init(&priv->ptp_lock);``, then a blank line), or right before the statement after
    them with a blank line before them, and the target has that statement, with that blank line,
    at the spot.  What the target added beyond the blank line is another paragraph."""
    b, t = s.base_file.lines, s.target_file.lines
    if not added or not added[0].strip() or not added[-1].strip():
        return False

    def code(lines, n):
        return 1 <= n <= len(lines) and bool(lines[n - 1].strip())

    def blank(lines, n):
        return 1 <= n <= len(lines) and not lines[n - 1].strip()

    after_prev = code(b, base_at - 1) and blank(b, base_at) and code(t, target_at - 1) and blank(t, target_at) \
        and norm(b[base_at - 2]) == norm(t[target_at - 2])
    before_next = blank(b, base_at - 1) and code(b, base_at) and blank(t, target_at - 1) and code(t, target_at) \
        and norm(b[base_at - 1]) == norm(t[target_at - 1])
    return after_prev or before_next


def blocks(hunk: Hunk) -> list[Block]:
    out: list[Block] = []
    line = hunk.old_start if hunk.old_count else hunk.old_start + 1
    cur: tuple[int, list[str], list[str]] | None = None
    for ln in hunk.lines:
        if ln.kind == CONTEXT:
            if cur:
                out.append(Block(cur[0], tuple(cur[1]), tuple(cur[2])))
                cur = None
            line += 1
            continue
        cur = cur or (line, [], [])
        (cur[1] if ln.kind == REMOVED else cur[2]).append(ln.text + NO_EOL if ln.no_newline else ln.text)
        line += ln.kind == REMOVED
    if cur:
        out.append(Block(cur[0], tuple(cur[1]), tuple(cur[2])))
    return out


def changed_lines(hunk: Hunk) -> tuple[int, int]:
    """First and last base line the hunk's changes touch."""
    bl = blocks(hunk)
    return bl[0].first, max(b.last if b.removed else b.first for b in bl)


# ---------------------------------------------------------------------------
# scopes


def make_scope(base_path: str, base_file: CFile, fn: Function | None,
               target_path: str, target_file: CFile, target_fn: Function | None) -> Scope:
    bspan = (fn.start, fn.end) if fn else (1, len(base_file.lines))
    tspan = (target_fn.start, target_fn.end) if target_fn else (1, len(target_file.lines))
    alignment = align(base_file.units_between(*bspan), target_file.units_between(*tspan))
    return Scope(base_path, target_path, fn.name if fn else None, bspan, tspan,
                 base_file, target_file, alignment, target_fn.name if target_fn else None)


# what function_bodies gives: the lengths, and (length, index, unit keys, function), by length
Bodies = tuple[list[int], list[tuple[int, int, list[str], Function]]]
RENAMED_BODY = 0.6  # unit similarity above which a function of another name is the same function


def same_body(base_file: CFile, fn: Function, target_bodies: Bodies) -> Function | None:
    """The target function whose body matches ``fn``'s best, when clearly so (``target_bodies``:
    ``function_bodies`` of the target file)."""
    keys = [u.key for u in base_file.units_between(fn.start, fn.end)][1:]
    lengths, bodies = target_bodies
    # real_quick_ratio >= RENAMED_BODY needs the lengths within a factor of (2 - r) / r
    low = bisect_left(lengths, len(keys) * RENAMED_BODY / (2 - RENAMED_BODY) - 1e-9)
    high = bisect_right(lengths, len(keys) * (2 - RENAMED_BODY) / RENAMED_BODY + 1e-9)
    scored = []
    for _, _, other, cand in bodies[low:high]:
        matcher = SequenceMatcher(None, keys, other, autojunk=False)
        if matcher.real_quick_ratio() >= RENAMED_BODY and matcher.quick_ratio() >= RENAMED_BODY:
            scored.append((matcher.ratio(), cand))
    scored.sort(key=lambda sc: -sc[0])
    if not scored or scored[0][0] < RENAMED_BODY:
        return None
    if len(scored) > 1 and scored[0][0] - scored[1][0] < 0.1:
        return None
    return scored[0][1]


def function_bodies(cfile: CFile) -> Bodies:
    """Each function's unit keys (head left out), by length, for ``same_body``."""
    bodies = sorted((len(keys), k, keys, f) for k, f in enumerate(cfile.functions)
                    for keys in [[u.key for u in cfile.units_between(f.start, f.end)][1:]])
    return [b[0] for b in bodies], bodies


def definition_pattern(name: str) -> str:
    """A git grep -E pattern for the head line of a C function definition."""
    return rf"^[A-Za-z_].*\b{re.escape(name)}\s*\([^;]*$"


# ---------------------------------------------------------------------------
# line map


class LineMap:
    """Base line -> target line, learned from the alignment of one scope."""

    def __init__(self, scope: Scope):
        self.scope = scope
        self.strong: dict[int, int] = {}
        self.whole: set[int] = set()  # units whose every line maps
        self.unit_of: dict[int, Unit] = {}
        self.pair_of: dict[int, Pair] = {}
        for pair in scope.alignment.pairs:
            self._add(pair)
        for unit in scope.base_file.units_between(*scope.base_span):
            for line in range(unit.start, unit.end + 1):
                self.unit_of[line] = unit

    def _add(self, pair: Pair) -> None:
        b, t = pair.base, pair.target
        self.pair_of[b.start] = pair
        if pair.exact and self._same_lines(b, t):
            self.whole.add(b.start)
            for k in range(b.end - b.start + 1):
                self.strong[b.start + k] = t.start + k
        else:
            self._add_inner(b, t)

    def _add_inner(self, b: Unit, t: Unit) -> None:
        """Lines a changed statement or comment still shares with its target version."""
        bl = [norm(x) for x in self.scope.base_file.lines[b.start - 1:b.end]]
        tl = [norm(x) for x in self.scope.target_file.lines[t.start - 1:t.end]]
        for block in SequenceMatcher(None, bl, tl, autojunk=False).get_matching_blocks():
            for k in range(block.size):
                self.strong[b.start + block.a + k] = t.start + block.b + k

    def _same_lines(self, b: Unit, t: Unit) -> bool:
        bl = self.scope.base_file.lines[b.start - 1:b.end]
        tl = self.scope.target_file.lines[t.start - 1:t.end]
        return [norm(x) for x in bl] == [norm(x) for x in tl]

    def pair(self, line: int) -> Pair | None:
        unit = self.unit_of.get(line)
        return self.pair_of.get(unit.start) if unit else None

    def line_mapped(self, unit: Unit) -> bool:
        return unit.start in self.whole

    def after(self, line: int) -> tuple[int, Pair | None] | None:
        """Target line that base ``line`` (the last line of an anchor) maps to."""
        return self._edge(line, last=True)

    def before(self, line: int) -> tuple[int, Pair | None] | None:
        """Target line that base ``line`` (the first line of an anchor) maps to."""
        return self._edge(line, last=False)

    def _edge(self, line: int, last: bool) -> tuple[int, Pair | None] | None:
        """The line's own counterpart, else the matching end of its changed statement's."""
        if line in self.strong:
            return self.strong[line], None
        pair = self.pair(line)
        if pair and (pair.base.end if last else pair.base.start) == line:
            return (pair.target.end if last else pair.target.start), pair
        return None


# ---------------------------------------------------------------------------
# placing one hunk


def place(hunk: Hunk, scope: Scope, lmap: LineMap) -> Placement:
    work = _Work(scope, lmap)
    pending = blocks(hunk)
    for region in _regions(pending, lmap):
        work.replace_region(region, [b for b in pending if _in_region(b, region)])
        pending = [b for b in pending if not _in_region(b, region)]
    for block in pending:
        work.place_block(block)
    return work.result()


def _touched_units(block: Block, lmap: LineMap) -> list[Unit]:
    lines = list(range(block.first, block.last + 1)) if block.removed else []
    if not block.removed:
        before, after = lmap.unit_of.get(block.first - 1), lmap.unit_of.get(block.first)
        if before is not None and before == after:
            return [before]
        return []
    units = {lmap.unit_of[x].start: lmap.unit_of[x] for x in lines if x in lmap.unit_of}
    return [units[k] for k in sorted(units)]


def _regions(pending: list[Block], lmap: LineMap) -> list[tuple[int, int]]:
    """Base line spans of changed units where a block cannot be placed line by line."""
    spans: list[tuple[int, int]] = []
    for block in pending:
        for unit in _touched_units(block, lmap):
            if lmap.pair_of.get(unit.start) and not _lines_mapped(block, unit, lmap):
                spans.append((unit.start, unit.end))
    return _merge_spans(spans, pending)


def _lines_mapped(block: Block, unit: Unit, lmap: LineMap) -> bool:
    """The block's lines inside ``unit`` all have a counterpart line in the target."""
    if lmap.line_mapped(unit):
        return True
    lines = range(max(block.first, unit.start), min(block.last, unit.end) + 1) if block.removed \
        else [block.first - 1, block.first]
    wanted = [x for x in lines if unit.start <= x <= unit.end and lmap.scope.base_file.lines[x - 1].strip()]
    mapped = [lmap.strong[x] for x in wanted if x in lmap.strong]
    return len(mapped) == len(wanted) > 0 and mapped == list(range(mapped[0], mapped[0] + len(mapped)))


def _merge_spans(spans, pending) -> list[tuple[int, int]]:
    """Grow spans over the removed lines of blocks that reach into them; merge neighbours."""
    spans = sorted(spans)
    while True:
        merged: list[tuple[int, int]] = []
        for s, e in sorted(_grow(span, pending) for span in spans):
            if merged and s <= merged[-1][1] + 1:
                merged[-1] = (merged[-1][0], max(e, merged[-1][1]))
            else:
                merged.append((s, e))
        if merged == spans:
            return merged
        spans = merged


def _grow(span: tuple[int, int], pending) -> tuple[int, int]:
    s, e = span
    for block in pending:
        if block.removed and _overlaps(block, (s, e)):
            s, e = min(s, block.first), max(e, block.last)
    return s, e


def _overlaps(block: Block, span: tuple[int, int]) -> bool:
    s, e = span
    if block.removed:
        return block.first <= e and block.last >= s
    return s < block.first <= e


def _in_region(block: Block, span: tuple[int, int]) -> bool:
    return _overlaps(block, span)


class _Work:
    """Accumulates the edits and the evidence while a hunk is placed."""

    def __init__(self, scope: Scope, lmap: LineMap):
        self.scope, self.lmap = scope, lmap
        self.edits: list[Edit] = []
        self.problems: list[str] = []
        self.notes: list[str] = []
        self.weak: list[Pair] = []
        self.replaced: list[str] = []
        self.following: list[Pair] = []
        self.choices: list[Choice] = []

    def result(self) -> Placement:
        return Placement(tuple(sorted(self.edits, key=lambda e: e.start)), tuple(self.problems),
                         tuple(dict.fromkeys(self.notes)), tuple(dict.fromkeys(self.weak)),
                         tuple(self.replaced), tuple(dict.fromkeys(self.following)), tuple(self.choices))

    # -- a region of changed statements replaced as a whole -----------------
    def replace_region(self, span: tuple[int, int], inside: list[Block]) -> None:
        base_units = [u for u in self.scope.base_file.units_between(*self.scope.base_span)
                      if span[0] <= u.start and u.end <= span[1]]
        pairs = [self.lmap.pair_of[u.start] for u in base_units if u.start in self.lmap.pair_of]
        if not base_units or len(pairs) < len(base_units):
            self.problems.append(f"base lines {span[0]}-{span[1]} have no counterpart in the target")
            return
        targets = [p.target for p in pairs]
        if not self._contiguous(targets):
            self.problems.append(f"the target's version of base lines {span[0]}-{span[1]} is interleaved with other code")
            return
        if not self._bracketed(span, targets):
            self.problems.append(f"base lines {span[0]}-{span[1]} changed in the target and no unchanged statement anchors them")
            return
        changed_code = [p for p in pairs if p.base.kind == UnitKind.CODE and not p.exact]
        if changed_code:
            b, t = changed_code[0].base, changed_code[0].target
            self.problems.append(f"the target changed the code this hunk changes: base line {b.start} "
                                 f"`{' '.join(b.tokens)}` is `{' '.join(t.tokens)}` at target line {t.start}")
            return
        removed = sum(len(b.removed) for b in inside)
        if removed * 2 < span[1] - span[0] + 1:
            self.problems.append(f"the target rewrote the comment at base lines {span[0]}-{span[1]} and this "
                                 f"hunk changes only {removed} of its lines: merge by hand")
            return
        t0, t1 = targets[0].start, targets[-1].end
        new = _apply_blocks(self.scope.base_file.lines, span, inside)
        self.edits.append(Edit(t0, t1 - t0 + 1, tuple(new)))
        self.replaced.extend(self.scope.target_file.lines[t0 - 1:t1])
        self.weak.extend(p for p in pairs if not p.exact)
        self.notes.append(f"target lines {t0}-{t1} are a changed version of base lines {span[0]}-{span[1]}: replaced as a whole")

    def _contiguous(self, targets: list[Unit]) -> bool:
        units = self.scope.target_file.units_between(*self.scope.target_span)
        starts = [u.start for u in units]
        idx = [starts.index(t.start) for t in targets if t.start in starts]
        return len(idx) == len(targets) and idx == list(range(idx[0], idx[0] + len(idx)))

    def _bracketed(self, span, targets) -> bool:
        """The statements around the region in the base are around its target too.

        Base statements the target dropped (unpaired) may lie between the
        region and its anchor, up to ``SKIP`` of them; each is noted.
        """
        units = self.scope.base_file.units_between(*self.scope.base_span)
        before = [u for u in units if u.end < span[0]][::-1]
        after = [u for u in units if u.start > span[1]]
        prev = self._anchor(before)
        nxt = self._anchor(after)
        if prev is None or nxt is None:
            return False
        ok_prev = self._only_blank(prev.target.end + 1, targets[0].start - 1)
        ok_next = self._only_blank(targets[-1].end + 1, nxt.target.start - 1)
        return ok_prev and ok_next and (prev.exact or nxt.exact)

    def _anchor(self, units: list[Unit]) -> Pair | None:
        """The first paired unit of ``units``, skipping a few the target dropped."""
        for k, unit in enumerate(units[:SKIP + 1]):
            pair = self.lmap.pair_of.get(unit.start)
            if pair is not None:
                for gone in units[:k]:
                    self.notes.append(f"base line {gone.start} `{' '.join(gone.tokens) or gone.comment}` "
                                      "next to it is not in the target")
                return pair
        return None

    def _neighbour(self, line: int, step: int) -> int | None:
        lo, hi = self.scope.base_span
        while lo <= line <= hi:
            if self.scope.base_file.lines[line - 1].strip():
                return line
            line += step
        return None

    def _only_blank(self, first: int, last: int) -> bool:
        return all(not self.scope.target_file.lines[k - 1].strip() for k in range(first, last + 1))

    # -- a block placed line by line ----------------------------------------
    def place_block(self, block: Block) -> None:
        if block.removed:
            self._place_removal(block)
        else:
            self._place_insertion(block)

    def _place_removal(self, block: Block) -> None:
        mapped = [self._map_removed(block.first + k) for k in range(len(block.removed))]
        missing = [block.first + k for k, t in enumerate(mapped) if t is None and block.removed[k].strip()]
        if missing:
            text = self.scope.base_file.lines[missing[0] - 1].strip()
            self.problems.append(f"removed line {missing[0]} `{text}` is not in the target")
            return
        present = [t for t in mapped if t is not None]
        if not present:
            self.notes.append(f"blank line(s) removed at base line {block.first} are already absent in the target")
            if block.added:
                self._place_insertion(Block(block.first + len(block.removed), (), block.added))
            return
        if present != list(range(present[0], present[0] + len(present))):
            self.problems.append(f"removed lines {block.first}-{block.last} are not consecutive in the target")
            return
        self.edits.append(Edit(present[0], len(present), block.added))

    def _map_removed(self, line: int) -> int | None:
        if line in self.lmap.strong:
            return self.lmap.strong[line]
        if self.scope.base_file.lines[line - 1].strip():
            return self._map_include(line)
        return self._map_blank(line)

    def _map_include(self, line: int) -> int | None:
        """A removed ``#include`` the target has once, elsewhere in its list of includes (the
        trees order their includes differently): removed where the target has it."""
        text = self.scope.base_file.lines[line - 1]
        if not _INCLUDE.match(text):
            return None
        lines = self.scope.target_file.lines
        at = [k + 1 for k, x in enumerate(lines) if x.rstrip() == text.rstrip()]
        if len(at) != 1 or at[0] in self.lmap.strong.values():
            return None
        self.notes.append(f"`{text.strip()}` is at target line {at[0]}: the target orders its includes differently")
        return at[0]

    def _map_blank(self, line: int) -> int | None:
        """A blank base line maps to the blank target line at the same distance from an anchor."""
        prev = self._neighbour(line, -1)
        anchor = self.lmap.after(prev) if prev else None
        if anchor is None or prev is None:
            return None
        target = anchor[0] + (line - prev)
        lines = self.scope.target_file.lines
        if target - 1 < len(lines) and all(not lines[k - 1].strip() for k in range(anchor[0] + 1, target + 1)):
            return target
        return None

    def _place_insertion(self, block: Block) -> None:
        at = block.first  # insert before this base line
        prev, nxt = self._neighbour(at - 1, -1), self._neighbour(at, +1)
        a = self.lmap.after(prev) if prev else None
        b = self.lmap.before(nxt) if nxt else None
        spot_a = self._skip_blank(a[0], at - 1 - prev, +1) if a and prev else None
        spot_b = self._skip_blank(b[0], nxt - at, -1) if b and nxt else None
        if spot_a is None and spot_b is None:
            self.problems.append(f"no statement around base line {at} is found in the target")
            return
        spot = self._choose(spot_a, spot_b, at, prev, nxt, (a is not None and a[1] is None, b is not None and b[1] is None))
        if a and b and a[1] is None and b[1] is not None and spot_a == spot_b:
            self.following.append(b[1])  # the statement after it changed; the one before is intact
            b = None
        for anchor, at_spot in ((a, spot_a), (b, spot_b)):
            if anchor and anchor[1] is not None and at_spot == spot:
                self.weak.append(anchor[1])
        self.edits.append(Edit(spot, 0, self._after_declarations(block, spot) if spot_a is None else block.added))

    def _after_declarations(self, block: Block, spot: int) -> tuple[str, ...]:
        """Statements placed before the next statement whose base neighbour before them is gone,
        landing right after the target's declarations: kept apart from them by a blank line, as
        kernel style has it (checkpatch: "Missing a blank line after declarations") and as a
        maintainer writes the port; the base's line before them was a statement, not a declaration."""
        lines, base = self.scope.target_file.lines, self.scope.base_file.lines
        before, first = lines[spot - 2] if spot >= 2 else "", next((x for x in block.added if x.strip()), "")
        prev = base[block.first - 2] if block.first >= 2 else ""
        if spot - 1 <= self.scope.target_span[0] or not first.strip() or block.added[0].strip() == "":
            return block.added
        if declared_locals([before]) and not declared_locals([first]) and prev.strip() and not declared_locals([prev]):
            self.notes.append(f"a blank line keeps the added statements apart from the target's declarations "
                              f"(target line {spot - 1})")
            return ("",) + block.added
        return block.added

    def _skip_blank(self, line: int, blanks: int, step: int) -> int:
        """Insertion point next to a target anchor, keeping the base's blank lines."""
        lines = self.scope.target_file.lines
        if step > 0:
            pos = line + 1
            while blanks > 0 and pos - 1 < len(lines) and not lines[pos - 1].strip():
                pos, blanks = pos + 1, blanks - 1
            return pos
        pos = line
        while blanks > 0 and pos - 2 >= 0 and not lines[pos - 2].strip():
            pos, blanks = pos - 1, blanks - 1
        return pos

    def _choose(self, spot_a, spot_b, at, prev, nxt, intact: tuple[bool, bool]) -> int:
        """The insertion point between the target's anchors; where they are apart and only one
        of them is the base's statement unchanged, next to that one."""
        if spot_a is None:
            self.notes.append(f"the statement before base line {at} is not in the target; placed before the next one")
            return spot_b
        if spot_b is None:
            self.notes.append(f"the statement after base line {at} is not in the target; placed after the previous one")
            return spot_a
        if spot_a != spot_b:
            gap = abs(spot_b - spot_a)
            side = "after the previous statement" if prev == at - 1 or nxt != at else "before the next statement"
            if intact[0] != intact[1]:
                side = ("after the previous statement" if intact[0] else "before the next statement") + \
                    ", the one of the two the target has unchanged"
            note = f"the target has {gap} other line(s) between the anchors of base line {at}; placed {side}"
            self.notes.append(note)
            spot = spot_a if side.startswith("after") else spot_b
            self.choices.append(Choice(spot, min(spot_a, spot_b), max(spot_a, spot_b), note, at))
            return spot
        return spot_a


def _apply_blocks(lines: tuple[str, ...], span: tuple[int, int], inside: list[Block]) -> list[str]:
    """Base lines of ``span`` with the blocks inside it applied."""
    out: list[str] = []
    line = span[0]
    for block in sorted(inside, key=lambda b: b.first):
        out.extend(lines[line - 1:block.first - 1])
        out.extend(block.added)
        line = block.first + len(block.removed)
    out.extend(lines[line - 1:span[1]])
    return out
