"""Statement-level alignment of a base scope with a target scope.

Exact matches (same tokens, whitespace and comments ignored) come first, from
difflib; the gaps between them are filled by a small dynamic programme that
pairs changed versions of the same statement (token similarity).  Work is
bounded: gaps larger than ``GAP_LIMIT`` units on a side are left unpaired, and
when difflib's work would grow with the square of the scope (long runs of the
same statement: thousands of ``}`` or ``if (v) {``), the exact matches come
from common ends and statements whose count is the same on both sides, paired
in order (patience-style anchors), instead; difflib then only sees what lies
between anchors, where its work is small again.
"""
from __future__ import annotations

from bisect import bisect_left
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from difflib import SequenceMatcher

from .cparse import Unit, UnitKind

CODE_SIMILAR = 0.5  # token ratio above which two statements are versions of one another
COMMENT_SIMILAR = 0.3
GAP_LIMIT = 80
MATCH_WORK = 1_000_000  # what difflib's matching may cost (see _match_work) before anchors take over
GAP_WORK = 50_000  # statement pairs scored in the gaps of one alignment; past it, equal gaps pair in order


@dataclass(frozen=True)
class Pair:
    base: Unit
    target: Unit
    score: float  # 1.0 for the same tokens

    @property
    def exact(self) -> bool:
        return self.score >= 1.0


@dataclass(frozen=True)
class Alignment:
    pairs: tuple[Pair, ...]

    def by_base(self) -> dict[int, Pair]:
        return {p.base.start: p for p in self.pairs}

    def by_target(self) -> dict[int, Pair]:
        return {p.target.start: p for p in self.pairs}


def similarity(a: Unit, b: Unit) -> float:
    if a.key == b.key:
        return 1.0
    if a.kind != b.kind:
        return 0.0
    left, right = (a.tokens, b.tokens) if a.kind == UnitKind.CODE else (a.comment.split(), b.comment.split())
    return SequenceMatcher(None, left, right, autojunk=False).ratio() * 0.999


def align(base: list[Unit], target: list[Unit]) -> Alignment:
    pairs: list[Pair] = []
    budget = GAP_WORK
    for op, b1, b2, t1, t2 in _opcodes([u.key for u in base], [u.key for u in target]):
        if op == "equal":
            pairs.extend(Pair(base[b1 + k], target[t1 + k], 1.0) for k in range(b2 - b1))
        elif op == "replace" and (b2 - b1) * (t2 - t1) <= budget:
            budget -= (b2 - b1) * (t2 - t1)
            pairs.extend(_fill_gap(base[b1:b2], target[t1:t2]))
        elif op == "replace" and b2 - b1 == t2 - t1 <= GAP_LIMIT:
            pairs.extend(_in_order(base[b1:b2], target[t1:t2]))
    return Alignment(tuple(pairs))


def _in_order(base: list[Unit], target: list[Unit]) -> list[Pair]:
    """A gap of as many statements on each side, once the scoring budget is spent: the k-th
    with the k-th, where they are similar enough (work linear in the gap)."""
    pairs = []
    for b, t in zip(base, target):
        score = similarity(b, t) if b.kind == t.kind else 0.0
        if score >= _threshold(b):
            pairs.append(Pair(b, t, score))
    return pairs


def _opcodes(a: list[str], b: list[str]) -> Sequence[tuple[str, int, int, int, int]]:
    """difflib's opcodes, from matching blocks found in bounded work."""
    if _match_work(a, b) <= MATCH_WORK:
        return SequenceMatcher(None, a, b, autojunk=False).get_opcodes()
    blocks = sorted(_matching_blocks(a, b)) + [(len(a), len(b), 0)]
    out, i, j = [], 0, 0
    for ai, bj, size in blocks:
        if i < ai or j < bj:
            op = "replace" if i < ai and j < bj else ("delete" if i < ai else "insert")
            out.append((op, i, ai, j, bj))
        if size:
            out.append(("equal", ai, ai + size, bj, bj + size))
        i, j = ai + size, bj + size
    return out


def _match_work(a, b) -> int:
    """A bound on difflib's matching work: each base key against each of its occurrences in the
    target, plus a scan of the base for each block it may split off (one per matching key)."""
    counts = Counter(b)
    probes = matched = 0
    for x in a:
        c = counts.get(x, 0)
        probes += c
        matched += c > 0
    return probes + len(a) * matched


def _matching_blocks(a: list[str], b: list[str]) -> list[tuple[int, int, int]]:
    """Exact runs (i, j, size): common ends, then anchors, difflib between anchors."""
    found, todo = [], [(0, len(a), 0, len(b))]
    while todo:
        alo, ahi, blo, bhi = todo.pop()
        while alo < ahi and blo < bhi and a[alo] == b[blo]:
            found.append((alo, blo, 1))
            alo, blo = alo + 1, blo + 1
        while alo < ahi and blo < bhi and a[ahi - 1] == b[bhi - 1]:
            ahi, bhi = ahi - 1, bhi - 1
            found.append((ahi, bhi, 1))
        if alo == ahi or blo == bhi:
            continue
        if _match_work(a[alo:ahi], b[blo:bhi]) <= MATCH_WORK:
            sm = SequenceMatcher(None, a[alo:ahi], b[blo:bhi], autojunk=False)
            found.extend((alo + i, blo + j, n) for i, j, n in sm.get_matching_blocks() if n)
            continue
        anchors = _anchors(a, b, alo, ahi, blo, bhi)
        prev_i, prev_j = alo, blo
        for i, j in anchors:
            found.append((i, j, 1))
            todo.append((prev_i, i, prev_j, j))
            prev_i, prev_j = i + 1, j + 1
        if anchors:
            todo.append((prev_i, ahi, prev_j, bhi))
        # no anchor: a long gap of statements repeated unevenly, left unpaired
    return found


def _anchors(a, b, alo, ahi, blo, bhi) -> list[tuple[int, int]]:
    """Pairs of equal keys that occur as often on both sides (k-th with k-th), the longest
    subsequence of them increasing on both sides."""
    where_a: dict[str, list[int]] = {}
    for i in range(alo, ahi):
        where_a.setdefault(a[i], []).append(i)
    where_b: dict[str, list[int]] = {}
    for j in range(blo, bhi):
        if b[j] in where_a:
            where_b.setdefault(b[j], []).append(j)
    candidates = sorted((i, j) for key, js in where_b.items() if len(js) == len(where_a[key])
                        for i, j in zip(where_a[key], js))
    return _increasing(candidates)


def _increasing(pairs: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Longest chain of pairs increasing in j (pairs sorted by i, i distinct): patience sorting."""
    tails: list[int] = []  # j of the last pair of the best chain of each length
    tail_at: list[int] = []  # index into pairs of that pair
    back = [-1] * len(pairs)
    for k, (_, j) in enumerate(pairs):
        n = bisect_left(tails, j)
        back[k] = tail_at[n - 1] if n else -1
        if n == len(tails):
            tails.append(j)
            tail_at.append(k)
        else:
            tails[n], tail_at[n] = j, k
    chain, k = [], tail_at[-1] if tail_at else -1
    while k >= 0:
        chain.append(pairs[k])
        k = back[k]
    return chain[::-1]


def _threshold(unit: Unit) -> float:
    return CODE_SIMILAR if unit.kind == UnitKind.CODE else COMMENT_SIMILAR


def _fill_gap(base: list[Unit], target: list[Unit]) -> list[Pair]:
    """Pair changed statements in a gap between exact matches (order kept)."""
    if len(base) > GAP_LIMIT or len(target) > GAP_LIMIT:
        return []
    if len(base) == len(target) == 1 and base[0].kind == target[0].kind:
        return [Pair(base[0], target[0], similarity(base[0], target[0]))]
    n, m = len(base), len(target)
    score = [[similarity(b, t) for t in target] for b in base]
    best = [[0.0] * (m + 1) for _ in range(n + 1)]
    for i in range(n - 1, -1, -1):
        for j in range(m - 1, -1, -1):
            take = score[i][j] + best[i + 1][j + 1] if score[i][j] >= _threshold(base[i]) else -1.0
            best[i][j] = max(take, best[i + 1][j], best[i][j + 1])
    return _trace(base, target, score, best)


def _trace(base, target, score, best) -> list[Pair]:
    pairs, i, j = [], 0, 0
    while i < len(base) and j < len(target):
        s = score[i][j]
        if s >= _threshold(base[i]) and best[i][j] == s + best[i + 1][j + 1]:
            pairs.append(Pair(base[i], target[j], s))
            i, j = i + 1, j + 1
        elif best[i][j] == best[i + 1][j]:
            i += 1
        else:
            j += 1
    return pairs
