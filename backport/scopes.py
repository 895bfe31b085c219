"""The locate stage on one target: each hunk's scope and placement.

A hunk's scope is the function its changes sit in (or the whole file): found
in the target under the same path, else in the file the function moved to
(a definition search, nearest first), else as a function of another name
with the same body.  The scope is aligned once however many hunks share it,
and each hunk is placed by ``locate.place`` on that alignment.
"""
from __future__ import annotations

from .cparse import CFile, Function
from .hunkwork import HunkWork
from .locate import LineMap, Scope, changed_lines, function_bodies, make_scope, place, same_body
from .model import FileKind, FilePatch, FindingKind, Severity
from .sources import Sources, searched


def locate_hunks(work: list[HunkWork], files: dict[str, FilePatch], base: Sources, tsrc: Sources) -> None:
    """The scope and placement of every hunk still in play, or why it has none."""
    scopes: dict[tuple, tuple[Scope | None, LineMap | None]] = {}
    for w in work:
        _locate(w, files[w.path], base, tsrc, scopes)


def _locate(w: HunkWork, fp: FilePatch, base: Sources, tsrc: Sources, scopes) -> None:
    if not w.in_play:
        return
    if fp.kind in (FileKind.ADD, FileKind.DELETE, FileKind.BINARY):
        w.add(FindingKind.FILE_CHANGE, Severity.BLOCK, f"{fp.kind} of a whole file is not ported automatically")
        return
    bfile = base.file(fp.path)
    if bfile is None:  # the base stage refused a patch whose files the base lacks: never here
        raise ValueError(f"{fp.path} is not in the base")
    first, last = changed_lines(w.hunk)
    fn = _enclosing(bfile, first, last)
    key = (fp.path, fn.name if fn else None, fn.start if fn else 0)
    if key not in scopes:  # one scope, and one line map, however many hunks share it
        scope = find_scope(fp.path, bfile, fn, tsrc)
        scopes[key] = (scope, LineMap(scope) if scope else None)
    w.scope, line_map = scopes[key]
    if w.scope is None:
        where = " or ".join(f"{d}/" for d in searched(fp.path))  # (definitions looked no further)
        w.add(FindingKind.ABSENT, Severity.BLOCK, f"{fn.name}() is not in the target's {where}" if fn
              else f"{fp.path} is not in the target tree")
        return
    _found_by_text(w, w.scope, fn, tsrc.file(w.scope.target_path))
    if line_map is not None:
        w.placement = place(w.hunk, w.scope, line_map)


def _found_by_text(w: HunkWork, s: Scope, fn: Function | None, tfile: CFile | None) -> None:
    """Say so when tree-sitter gave up on the hunk's function (kernel macros) and it was found by
    its text: never used silently (the statements it is aligned by are then rougher)."""
    sides = (("base", fn, s.base_file), ("target", tfile.function(s.target_function)
                                              if tfile and s.target_function else None, tfile))
    where = [f"the {side} ({_errors(file)})" for side, f, file in sides if f is not None and f.by_text]
    if where and fn is not None:
        w.add(FindingKind.PARSE, Severity.INFO, f"tree-sitter could not parse {fn.name}() in "
              f"{' and '.join(where)}: the function was found by its text")


def _errors(cfile: CFile | None) -> str:
    n = cfile.errors if cfile else 0
    return f"{n} ERROR node{'s' if n != 1 else ''} in the file"


def _enclosing(cfile: CFile, first: int, last: int) -> Function | None:
    fn = cfile.function_at(first)
    return fn if fn and fn.start <= last <= fn.end else None


def same_definition(bfile: CFile, fn: Function, tfile: CFile) -> Function | None:
    """The target's definition of ``fn``: where the base defines that name more than once (the
    stubs of ``#if`` / ``#else`` branches) and the target as often, the one at the same rank."""
    mine, theirs = bfile.definitions(fn.name), tfile.definitions(fn.name)
    if len(mine) > 1 and len(mine) == len(theirs) and fn in mine:
        return theirs[mine.index(fn)]
    return tfile.function(fn.name)


def find_scope(path: str, bfile: CFile, fn: Function | None, tsrc: Sources) -> Scope | None:
    """``fn`` of the base file at ``path`` (None: the file itself) and its version in the target."""
    tfile = tsrc.file(path)
    if fn is None and tfile is None:
        moved = file_moved(path, bfile, tsrc)
        mfile = tsrc.file(moved) if moved else None
        return make_scope(path, bfile, None, moved, mfile, None) if moved and mfile else None
    if fn is None:
        return make_scope(path, bfile, None, path, tfile, None) if tfile else None
    if tfile and tfile.function(fn.name):
        return make_scope(path, bfile, fn, path, tfile, same_definition(bfile, fn, tfile))
    for other in tsrc.definitions(fn.name, path):
        ofile = tsrc.file(other)
        if other != path and ofile and ofile.function(fn.name):
            return make_scope(path, bfile, fn, other, ofile, ofile.function(fn.name))
    if tfile is None:
        return None
    renamed = same_body(bfile, fn, tsrc.derived(path, "bodies", lambda: function_bodies(tfile)))
    return make_scope(path, bfile, fn, path, tfile, renamed) if renamed else None


FOLLOW = 3  # functions of a file the target lacks that must all live in one other file


def file_moved(path: str, bfile: CFile, tsrc: Sources) -> str | None:
    """Where a file the target lacks went: the one file of the target that defines its first
    ``FOLLOW`` functions (mm/memcontrol-v1.c's in 6.12 are in mm/memcontrol.c in 6.1), so its
    top-level items (tables, enums, struct members) follow them there."""
    names = list(dict.fromkeys(f.name for f in bfile.functions if not f.by_text))[:FOLLOW]
    homes = set()
    for name in names:
        found = next(iter(tsrc.definitions(name, path)), None)
        if found is None:
            return None
        homes.add(found)
    return homes.pop() if len(names) == FOLLOW and len(homes) == 1 else None
