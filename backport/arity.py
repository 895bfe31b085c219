"""Calls whose function takes other arguments in the target.

``kfd_flush_tlb(pdd)`` is right on a tree where the function takes one
argument and wrong where it takes two: an added call is checked against the
function's prototype in the base and in the target (their files first, then
the directories around them and include/).  When the two prototypes differ
in their number of parameters, the hunk is flagged.
"""
from __future__ import annotations

import re
from contextlib import closing

from .tree import Tree

_CALL = re.compile(r"\b([A-Za-z_]\w*)\s*\(")
_NOT_CALLS = frozenset("if for while switch return sizeof typeof __typeof__ defined".split())


def calls(line: str) -> dict[str, int]:
    """name -> number of arguments, for the calls on one line whose parentheses close there."""
    out = {}
    for m in _CALL.finditer(line):
        if m.group(1) in _NOT_CALLS:
            continue
        count = _count_args(line, m.end())
        if count is not None:
            out[m.group(1)] = count
    return out


def _count_args(text: str, start: int) -> int | None:
    """Top-level arguments between ``text[start-1] == '('`` and its ')'."""
    depth, count, seen = 0, 0, False
    for ch in text[start:]:
        if ch in "([{":
            depth += 1
        elif ch in ")]}":
            if depth == 0:
                return count + 1 if seen else 0
            depth -= 1
        elif ch == "," and depth == 0:
            count += 1
        elif not ch.isspace():
            seen = True
    return None


def prototypes(texts: list[str], names: set[str], macros: set[str] | None = None) -> dict[str, int]:
    """name -> parameter count, from definitions or declarations in ``texts``, and from
    function-like macros they ``#define`` (``__assign_str(dst, src)`` took two arguments
    before 6.10, one since); ``macros`` gets the names counted from a macro (a header may
    define one again with other parameters: the trace stages redefine ``__field``)."""
    found: dict[str, int] = {}
    if not names:
        return found
    for text in texts:
        for name, count in macro_params(text, names).items():
            if name not in found and macros is not None:
                macros.add(name)
            found.setdefault(name, count)
    pattern = re.compile(r"^[A-Za-z_][\w\s\*]*?\b(" + "|".join(map(re.escape, sorted(names))) +
                         r")\s*\(([^;{)]*(?:\([^)]*\)[^;{)]*)*)\)\s*[;{]?\s*$", re.M)
    for text in texts:
        for m in pattern.finditer(_join_heads(text)):
            params = m.group(2).strip()
            if "..." in params:
                continue
            n = 0 if params in ("", "void") else _count_args(params + ")", 0)
            if n is not None:
                found.setdefault(m.group(1), n)
    return found


def _join_heads(text: str) -> str:
    """Declarations split over lines joined on one (a parameter list that runs on)."""
    return re.sub(r",\s*\n\s*", ", ", re.sub(r"\(\s*\n\s*", "(", text))


MAX_FILES = 40
BEFORE, AFTER = 3, 12  # lines around a hit: a return type above it, a parameter list below


def lookup(tree: Tree, names: set[str], texts: list[str], near: tuple[str, ...],
           needed: set[str] | None = None, macros: set[str] | None = None) -> dict[str, int]:
    """Parameter counts of ``names`` in a tree: ``texts`` first, then the headers and
    sources of the directories ``near`` that name them (``git grep -w``), read only
    around the lines that name them; upper-case names (macros, ``macro_name``) only from
    ``texts``.

    ``needed``: the caller reads only these names' counts.  A name the tree is known to
    have nowhere under ``near`` (``Tree.absent``: a symbol search found it nowhere there)
    gives no hit, so it is left out of the search; and when every needed name ``texts``
    lack is such a name, nothing is searched (the counts of the others are then not
    looked up: the caller does not read them).  ``macros``: see ``prototypes``."""
    found = prototypes(texts, names, macros)
    paths = tuple(f"{d}/*.h" for d in near) + tuple(f"{d}/*.c" for d in near)
    rest = [n for n in sorted(names - set(found)) if not tree.absent(n, paths) and not macro_name(n)]
    if needed is not None and not (set(rest) & needed):
        return found
    if rest:
        found.update({k: v for k, v in _searched(tree, rest, paths, macros).items() if k not in found})
    return found


def macro_name(name: str) -> bool:
    """An upper-case name (``WARN_ON_ONCE``, ``READ_ONCE``) is a macro by the kernel's style: it
    has no prototype to count against, and searching for one reads every file that uses it
    (0.25 s CPU for ``WARN_ON_ONCE`` near mm/, whose definition is in include/asm-generic/).
    ``IS_ERR()`` and its kin are inline functions whose parameters never changed."""
    return name.isupper()


_DEFINE = re.compile(r"^\s*#\s*define\s+([A-Za-z_]\w*)\(([^)]*)\)", re.M)  # a function-like macro


def macro_params(text: str, names: set[str]) -> dict[str, int]:
    """name -> parameter count of the function-like macros ``text`` defines among ``names``;
    a variadic macro (``...``, ``args...``) has no count to hold a call to."""
    out: dict[str, int] = {}
    if "define" not in text:
        return out
    for m in _DEFINE.finditer(text):
        if m.group(1) in names and "..." not in m.group(2):
            params = m.group(2).strip()
            out.setdefault(m.group(1), len(params.split(",")) if params else 0)
    return out


class _Counts:
    """The counts the files give, read one by one in path order: a name takes its count from
    the first file that declares it or ``#define``s it as a function-like macro; a variadic
    macro found first leaves it without one (no count to hold a call to)."""

    def __init__(self, tree: Tree, names: list[str], macros: set[str] | None = None):
        self.tree, self.names, self.counted_macros = tree, set(names), macros
        self.counts: dict[str, int] = {}
        self.macros: set[str] = set()

    def file(self, path: str, hits: list[tuple[int, str]]) -> None:
        open_ = self.names - self.macros - set(self.counts)
        text = _around(self.tree.read(path), [no for no, _ in hits])
        if text:
            here: set[str] = set()
            self.counts.update({k: v for k, v in prototypes([text], self.names, here).items() if k in open_})
            if self.counted_macros is not None:
                self.counted_macros.update(here & open_)
        defined = {m.group(1) for _, line in hits if (m := _DEFINE.match(line))} & open_ - set(self.counts)
        self.macros |= defined - set(self.counts)

    def done(self) -> bool:
        return self.names <= self.macros | set(self.counts)


def _searched(tree: Tree, names: list[str], paths: tuple[str, ...], macros: set[str] | None = None) -> dict[str, int]:
    """Counts from the files under ``paths`` naming ``names`` (``git grep -w``, several fixed
    strings, git reading one per line: the lines an ERE alternation of the names selects, for
    less of git's CPU), the first ``MAX_FILES`` in path order, each read around its hits.  The
    search stops once every name has a count or is known to be a macro.  Hits out of path order
    (a tree that does not give git's order) are all read and sorted first."""
    counts = _Counts(tree, names, macros)
    hits: dict[str, list[tuple[int, str]]] = {}
    ordered = True
    with closing(iter(tree.grep_iter("\n".join(names), paths=paths, word=True, fixed=True))) as stream:
        for path, no, line in stream:
            if path not in hits:
                last = next(reversed(hits), None)
                if ordered and last is not None:
                    if path < last or not last.isascii():
                        ordered = False
                    else:
                        counts.file(last, hits[last])  # that file's hits are all read
                        if counts.done() or len(hits) == MAX_FILES:
                            return dict(counts.counts)
                hits[path] = []
            hits[path].append((no, line))
    if ordered and hits:
        last = next(reversed(hits))
        counts.file(last, hits[last])
        return dict(counts.counts)
    for path in sorted(hits)[:MAX_FILES]:
        counts.file(path, hits[path])
        if counts.done():
            break
    return dict(counts.counts)


def _around(text: str | None, lines: list[int]) -> str | None:
    """The stretches of ``text`` around ``lines`` (1-based), apart from each other by a
    line holding ``;`` (no declaration reads across it)."""
    if text is None:
        return None
    all_lines = text.split("\n")
    spans: list[list[int]] = []
    for no in sorted(lines):
        lo, hi = max(no - 1 - BEFORE, 0), min(no + AFTER, len(all_lines))
        if spans and lo <= spans[-1][1]:
            spans[-1][1] = max(spans[-1][1], hi)
        else:
            spans.append([lo, hi])
    return "\n;\n".join("\n".join(all_lines[lo:hi]) for lo, hi in spans)
