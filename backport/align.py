"""Statement-level alignment of a base scope with a target scope.

Exact matches (same tokens, whitespace and comments ignored) come first, from
difflib; the gaps between them are filled by a small dynamic programme that
pairs changed versions of the same statement (token similarity).  Work is
bounded: gaps larger than ``GAP_LIMIT`` units on a side are left unpaired.
"""
from __future__ import annotations

from dataclasses import dataclass
from difflib import SequenceMatcher

from .cparse import Unit

CODE_SIMILAR = 0.5  # token ratio above which two statements are versions of one another
COMMENT_SIMILAR = 0.3
GAP_LIMIT = 80


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
    left, right = (a.tokens, b.tokens) if a.kind == "code" else (a.comment.split(), b.comment.split())
    return SequenceMatcher(None, left, right, autojunk=False).ratio() * 0.999


def align(base: list[Unit], target: list[Unit]) -> Alignment:
    matcher = SequenceMatcher(None, [u.key for u in base], [u.key for u in target], autojunk=False)
    pairs: list[Pair] = []
    for op, b1, b2, t1, t2 in matcher.get_opcodes():
        if op == "equal":
            pairs.extend(Pair(base[b1 + k], target[t1 + k], 1.0) for k in range(b2 - b1))
        elif op == "replace":
            pairs.extend(_fill_gap(base[b1:b2], target[t1:t2]))
    return Alignment(tuple(pairs))


def _threshold(unit: Unit) -> float:
    return CODE_SIMILAR if unit.kind == "code" else COMMENT_SIMILAR


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
