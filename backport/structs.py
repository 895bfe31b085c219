"""Struct and union bodies read as a compiler would: their members, each with its type
(``const``, pointers, arrays, the struct or union it is, an inline body), anonymous unions
and structs merged into their parent.  Text only: comments are removed line by line first
(``cparse.code_of``), attributes and bit widths are dropped.  A member this reading cannot
place (inside a macro such as ``struct_group()``) is simply not known: the checks then say
nothing about it.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from .clex import top_commas
from .cparse import code_of

ATOMIC = frozenset({"atomic_t", "atomic64_t", "atomic_long_t", "refcount_t", "local_t", "local64_t"})
_ATTR = re.compile(r"\b(?:__attribute__|__aligned|__counted_by\w*|__guarded_by)\s*\((?:[^()]|\((?:[^()]|\([^()]*\))*\))*\)")
_QUALIFIERS = frozenset({"const", "volatile", "__rcu", "__private", "__iomem", "__user", "__percpu", "__packed",
                         "__randomize_layout", "____cacheline_aligned", "____cacheline_aligned_in_smp", "__force",
                         "__data_racy"})
_IDENT = re.compile(r"[A-Za-z_]\w*")


@dataclass(frozen=True)
class Member:
    """One member's type, as far as a text reading can tell."""

    type: str  # the base type, qualifiers dropped: "struct sctp_cookie", "vm_flags_t", "union {...}"
    pointers: int = 0
    array: bool = False
    const: bool = False  # the member itself cannot be assigned
    body: str | None = None  # an inline struct/union body ("union { ... } subh;")
    function: bool = False  # a function pointer

    @property
    def atomic(self) -> bool:
        return self.type in ATOMIC and not self.pointers

    @property
    def aggregate(self) -> str | None:
        """``struct NAME``/``union NAME`` of the member's type, or None."""
        m = re.fullmatch(r"(struct|union)\s+([A-Za-z_]\w*)", self.type)
        return f"{m.group(1)} {m.group(2)}" if m else None


def body_of(text: str, tag: str, name: str) -> str | None:
    """The ``{ ... }`` of ``struct NAME`` (or ``union NAME``) defined in ``text``."""
    for m in re.finditer(rf"\b{tag}\s+{re.escape(name)}\s*(?:__\w+\s*)*\{{", text):
        end = _closing(text, m.end() - 1)
        if end is not None:
            return text[m.end() - 1:end + 1]
    return None


def _closing(text: str, at: int) -> int | None:
    depth = 0
    for j in range(at, len(text)):
        if text[j] == "{":
            depth += 1
        elif text[j] == "}":
            depth -= 1
            if depth == 0:
                return j
    return None


def members(body: str) -> dict[str, Member]:
    """The members of a ``{ ... }`` body (anonymous inner unions and structs flattened)."""
    text = "\n".join(code_of(x) for x in body.strip()[1:-1].split("\n"))
    out: dict[str, Member] = {}
    for head, inner, tail in _statements(_ATTR.sub(" ", text)):
        if inner is not None:
            names = [n for n in _IDENT.findall(tail) if n not in _QUALIFIERS]
            if not names:
                out.update(members(inner))
            for piece in top_commas(tail) if names else ():
                name = _last_name(piece)
                if name:
                    out[name] = Member(" ".join(head.split()) or "{...}", piece.count("*"), "[" in piece, False, inner)
            continue
        out.update(_declarators(head))
    return out


def _statements(text: str):
    """(head, inline body or None, declarators after the body) of each top-level statement."""
    start, depth, parens = 0, 0, 0
    inner: tuple[int, int | None] | None = None  # where the inline body is: '{' and '}'
    for i, ch in enumerate(text):
        if ch == "(":
            parens += 1
        elif ch == ")":
            parens -= 1
        elif ch == "{":
            if depth == 0:
                inner = (i, None)
            depth += 1
        elif ch == "}":
            depth -= 1
            if depth == 0 and inner:
                inner = (inner[0], i)
        elif ch == ";" and depth == 0 and parens == 0:
            if inner and inner[1] is not None:
                yield text[start:inner[0]], text[inner[0]:inner[1] + 1], text[inner[1] + 1:i]
            else:
                yield text[start:i], None, ""
            start, inner = i + 1, None


def _declarators(statement: str) -> dict[str, Member]:
    """``const vm_flags_t vm_flags`` / ``struct foo *a, *b[2]`` / ``int (*fn)(int)`` / ``u32 x:3``."""
    s = " ".join(statement.split())
    if not s or re.match(r"^[A-Z_][A-Z0-9_]*\s*\(|^struct_group", s):  # a macro: not read
        return {}
    fn = re.search(r"\(\s*\*\s*([A-Za-z_]\w*)\s*\)\s*\(", s)
    if fn:
        return {fn.group(1): Member("function", 1, False, False, None, True)}
    pieces = top_commas(s)
    first = re.sub(r"\[[^\]]*\]|:\s*\w+\s*$", " ", pieces[0])
    name = _last_name(first)
    if not name:
        return {}
    prefix = first[:first.rfind(name)]
    words = [w for w in _IDENT.findall(prefix.replace("*", " ")) if w not in _QUALIFIERS]
    base = " ".join(words)
    const_member = "const" in prefix.split("*")[-1].split()
    out = {name: Member(base, prefix.count("*"), "[" in pieces[0], const_member)}
    for piece in pieces[1:]:
        other = _last_name(re.sub(r"\[[^\]]*\]|:\s*\w+\s*$", " ", piece))
        if other:
            out[other] = Member(base, piece.count("*"), "[" in piece, "const" in piece.split("*")[-1].split())
    return out


def _last_name(piece: str) -> str | None:
    names = [n for n in _IDENT.findall(piece) if n not in _QUALIFIERS]
    return names[-1] if names else None


def changed(base: Member, target: Member) -> str | None:
    """How a member's type changed in a way code written for the base does not survive, in words."""
    if target.atomic != base.atomic:
        return f"is `{target.type}` in the target, `{base.type}` in the base"
    if target.pointers != base.pointers or target.array != base.array or target.function != base.function:
        return "has another type in the target (pointer, array or function pointer where the base has none)"
    if (base.aggregate or target.aggregate) and base.aggregate != target.aggregate and not (base.body or target.body):
        return f"is `{target.type}` in the target, `{base.type}` in the base"
    return None
