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
from .cparse import UnitKind
from .model import Rename

_BLOCKERS = frozenset({";", "{", "}"})


@dataclass(frozen=True)
class Taught:
    old: str
    new: str
    scope: str | None  # function name for a local rename, None for a global one
    evidence: str
    pure: bool  # the statements differ in nothing else (same arguments)
    call: bool = False  # learned from a call: a function rename


def _is_ident(tok: str) -> bool:
    return tok[:1].isalpha() or tok[:1] == "_"


def _opcodes(pair: Pair):
    a, b = pair.base.tokens, pair.target.tokens
    return [(op, a[i1:i2], b[j1:j2], a[i2:i2 + 1], a[i1 - 1:i1])
            for op, i1, i2, j1, j2 in SequenceMatcher(None, a, b, autojunk=False).get_opcodes()
            if op != "equal"]


def learn_from(pair: Pair, function: str | None, evidence: str) -> list[Taught]:
    """Identifier renames one changed statement teaches."""
    if pair.exact or pair.base.kind != UnitKind.CODE or pair.score < CODE_SIMILAR:
        return []
    found = {}
    ops = _opcodes(pair)
    pure = all(op == "replace" and len(old) == len(new) == 1 for op, old, new, _, _ in ops)
    for op, old, new, after, before in ops:
        if op == "replace" and len(old) == len(new) == 1 and _is_ident(old[0]) and _is_ident(new[0]):
            is_global = after == ["("] or before in (["->"], ["."])
            found[old[0]] = Taught(old[0], new[0], None if is_global else function, evidence, pure, after == ["("])
    callee = _callee_rename(pair.base.tokens, pair.target.tokens)
    if callee:
        found[callee[0]] = Taught(callee[0], callee[1], None, evidence, pure, True)
    for path in _member_paths(pair.base.tokens, pair.target.tokens):
        found[path[0]] = Taught(path[0], path[1], None, evidence, True)
    return list(found.values())


_ACCESS = frozenset({"->", "."})


def _member_paths(a: tuple[str, ...], b: tuple[str, ...]) -> list[tuple[str, str]]:
    """``dev->kfd->shared_resources`` vs ``dev->shared_resources``: struct member
    paths that changed, anchored on the unchanged identifier on each side."""
    out = []
    for op, i1, i2, j1, j2 in SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        changed = list(a[i1:i2]) + list(b[j1:j2])
        if op == "equal" or not (_ACCESS & set(changed)) or not all(_is_ident(t) or t in _ACCESS for t in changed):
            continue
        lo_a, lo_b = _left(a, i1), _left(b, j1)
        hi_a, hi_b = _right(a, i2), _right(b, j2)
        if None in (lo_a, lo_b, hi_a, hi_b) or a[lo_a:i1] != b[lo_b:j1] or a[i2:hi_a] != b[j2:hi_b]:
            continue
        out.append(("".join(a[lo_a:hi_a]), "".join(b[lo_b:hi_b])))
    return out


def _left(tokens, i: int) -> int | None:
    """Start of the context before ``i``: back over access operators to an identifier."""
    k = i - 1
    while k >= 0 and tokens[k] in _ACCESS:
        k -= 1
    return k if k >= 0 and _is_ident(tokens[k]) else None


def _right(tokens, i: int) -> int | None:
    """End (exclusive) of the context after ``i``: over access operators to an identifier."""
    k = i
    while k < len(tokens) and tokens[k] in _ACCESS:
        k += 1
    return k + 1 if k < len(tokens) and _is_ident(tokens[k]) else None


def _callee_rename(a: tuple[str, ...], b: tuple[str, ...]) -> tuple[str, str] | None:
    """``x = foo(...)`` vs ``x = bar(...)``: the called function was renamed."""
    if "(" not in a or "(" not in b:
        return None
    ia, ib = a.index("("), b.index("(")
    if ia != ib or ia == 0 or a[:ia - 1] != b[:ib - 1]:
        return None
    old, new = a[ia - 1], b[ib - 1]
    return (old, new) if old != new and _is_ident(old) and _is_ident(new) else None


def explained(pair: Pair, renames: RenameMap, function: str | None) -> bool:
    """A changed statement whose every difference is a known rename or added/dropped arguments.

    With the renames applied, one statement's tokens must be a subsequence of
    the other's, and what is left over must not hold a statement or block.
    """
    if pair.exact:
        return True
    if pair.base.kind != UnitKind.CODE:
        return False
    base = [renames.get(t, function) or t for t in pair.base.tokens]
    target = list(pair.target.tokens)
    short, long_ = (base, target) if len(base) <= len(target) else (target, base)
    blocks = SequenceMatcher(None, short, long_, autojunk=False).get_matching_blocks()
    if sum(b.size for b in blocks) != len(short):
        return False
    matched = {b.b + k for b in blocks for k in range(b.size)}
    extra = {long_[i] for i in range(len(long_)) if i not in matched}
    return not (extra & _BLOCKERS)


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

    def for_function(self, function: str | None, pure_only: bool = False) -> dict[str, str]:
        """old -> new for a hunk in ``function``; ``pure_only``: safe to rewrite in code."""
        out = {}
        for (old, scope), new in self.map.items():
            if (scope is None or (function and scope == function)) and (self.pure(old, new) or not pure_only):
                out[old] = new
        return out

    def call(self, old: str, new: str) -> bool:
        """The rename was learned from calls: a function the target calls by another name."""
        return any(t.call for t in self.taught if t.old == old and t.new == new)

    def pure(self, old: str, new: str) -> bool:
        return all(t.pure for t in self.taught if t.old == old and t.new == new)

    def rename(self, old: str, function: str | None) -> Rename:
        new = self.get(old, function)
        evidence = tuple(dict.fromkeys(t.evidence for t in self.taught
                                       if t.old == old and t.new == new and t.scope in (None, function)))
        return Rename(old, new or "", evidence)


# ---------------------------------------------------------------------------
# the renames one target teaches (moved here from the pipeline)


def learn_renames(scopes) -> RenameMap:
    """Renames taught by the changed statements of every scope of one target.

    An identifier counts as renamed only if the target's scope no longer uses
    it and the base's scope never used its new name.
    """
    taught: list[Taught] = []
    for s in {id(s): s for s in scopes}.values():
        base_ids = _scope_tokens(s.base_file, s.base_span)
        target_ids = _scope_tokens(s.target_file, s.target_span)
        for pair in s.alignment.pairs:
            evidence = (f"{s.base_path}:{pair.base.start} `{s.base_file.statement(pair.base)}` -> "
                        f"{s.target_path}:{pair.target.start} `{s.target_file.statement(pair.target)}`")
            taught.extend(t for t in learn_from(pair, s.function, evidence)
                          if _still_new(t, base_ids, target_ids, s))
    return RenameMap(taught)


def _still_new(t: Taught, base_ids: set[str], target_ids: set[str], s) -> bool:
    """The target no longer spells it the old way, and the base never spelled it the new way.

    A function is renamed only if the target's whole file no longer calls it: one call the
    target's function writes another way (``memset()`` there, a helper here) says nothing about
    the function itself, which the rest of the file still uses (and added lines may too)."""
    if "->" in t.old or "." in t.old:
        return t.old not in _compact(s.target_file, s.target_span) and t.new not in _compact(s.base_file, s.base_span)
    if t.call and t.old in _file_tokens(s.target_file):
        return False
    return t.old not in target_ids and t.new not in base_ids


def _file_tokens(cfile) -> frozenset[str]:
    """Every token of a file's code (built with the parsed file)."""
    return cfile.index.tokens


def _compact(cfile, span: tuple[int, int]) -> str:
    return "\n".join("".join(u.tokens) for u in cfile.units_between(*span))


def _scope_tokens(cfile, span: tuple[int, int]) -> set[str]:
    return {tok for u in cfile.units_between(*span) for tok in u.tokens}
