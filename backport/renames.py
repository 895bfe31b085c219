"""Renames learned from the alignment: where an aligned base statement and
target statement differ only in some identifiers or arguments, the identifier
pairs are renames (``swapcache_free`` -> ``put_swap_page``, ``tree_lock`` ->
``i_pages``), each with the statements that taught it as evidence.

A rename of a function or a struct field holds for the whole target; a rename
of any other identifier (a local variable) only inside the function that
taught it.  An identifier seen renamed two different ways is not a rename.
"""
from __future__ import annotations

from dataclasses import dataclass
from difflib import SequenceMatcher

from .align import CODE_SIMILAR, Pair
from .model import Rename

_BLOCKERS = frozenset({";", "{", "}"})


@dataclass(frozen=True)
class Taught:
    old: str
    new: str
    scope: str | None  # function name for a local rename, None for a global one
    evidence: str


def _is_ident(tok: str) -> bool:
    return tok[:1].isalpha() or tok[:1] == "_"


def _opcodes(pair: Pair):
    a, b = pair.base.tokens, pair.target.tokens
    return [(op, a[i1:i2], b[j1:j2], a[i2:i2 + 1], a[i1 - 1:i1])
            for op, i1, i2, j1, j2 in SequenceMatcher(None, a, b, autojunk=False).get_opcodes()
            if op != "equal"]


def learn_from(pair: Pair, function: str | None, evidence: str) -> list[Taught]:
    """Identifier renames one changed statement teaches."""
    if pair.exact or pair.base.kind != "code" or pair.score < CODE_SIMILAR:
        return []
    found = []
    for op, old, new, after, before in _opcodes(pair):
        if op == "replace" and len(old) == len(new) == 1 and _is_ident(old[0]) and _is_ident(new[0]):
            is_global = after == ["("] or before in (["->"], ["."])
            found.append(Taught(old[0], new[0], None if is_global else function, evidence))
    return found


def explained(pair: Pair, renames: "RenameMap", function: str | None) -> bool:
    """A changed statement whose every difference is a known rename or an argument change."""
    if pair.exact:
        return True
    if pair.base.kind != "code":
        return False
    for op, old, new, _, _ in _opcodes(pair):
        if op == "replace" and len(old) == len(new) == 1 and renames.get(old[0], function) == new[0]:
            continue
        if op in ("insert", "delete") and not (_BLOCKERS & set(old + new)):
            continue
        return False
    return True


class RenameMap:
    """Renames of one target, with their evidence; ambiguous ones dropped."""

    def __init__(self, taught: list[Taught]):
        self.taught = taught
        seen: dict[tuple[str, str | None], set[str]] = {}
        for t in taught:
            seen.setdefault((t.old, t.scope), set()).add(t.new)
        self.ambiguous = {k: v for k, v in seen.items() if len(v) > 1}
        self.map = {k: next(iter(v)) for k, v in seen.items() if len(v) == 1}

    def get(self, old: str, function: str | None) -> str | None:
        return self.map.get((old, function)) or self.map.get((old, None))

    def for_function(self, function: str | None) -> dict[str, str]:
        out = {old: new for (old, scope), new in self.map.items() if scope is None}
        out.update({old: new for (old, scope), new in self.map.items() if scope == function and function})
        return out

    def rename(self, old: str, function: str | None) -> Rename:
        new = self.get(old, function)
        evidence = tuple(dict.fromkeys(t.evidence for t in self.taught
                                       if t.old == old and t.new == new and t.scope in (None, function)))
        return Rename(old, new or "", evidence)
