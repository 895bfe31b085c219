"""A tree's files as the stages read them: text, parse, where a function is defined.

``Sources`` is one tree's view.  What is made from a file's content (its
parse, and what a stage derives from it through ``Sources.derived``: function
bodies, ERROR nodes once the reference change is applied, ...) is kept in a
``ParseCache`` keyed by the content's blob id (the git object id of the file,
what ``git hash-object`` prints) and what was made.  The base's cache lives as
long as the port, each target's as long as its target, reading through to the
base's: a file that is the same in the base and a target is parsed once.
Nothing is written onto the parsed values: they are frozen.
"""
from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from typing import Any

from .clex import code_of
from .cparse import CFile, parse, parse_lines
from .locate import definition_pattern
from .tree import Tree, blob_id


def is_c(path: str) -> bool:
    return path.endswith((".c", ".h"))


class ParseCache:
    """What is derived from a file's content, made once: keyed by (blob id, what).

    A target's cache reads through to the base's (``shared``): what the base already made of
    the same content is not made again, and what is made for one target goes when the
    target is done.
    """

    def __init__(self, shared: ParseCache | None = None) -> None:
        self._made: dict[tuple[str, Any], Any] = {}
        self._shared = shared

    def get(self, blob: str, what: Any, make: Callable[[], Any]) -> Any:
        key = (blob, what)
        if self._shared is not None and key in self._shared._made:
            return self._shared._made[key]
        if key not in self._made:
            self._made[key] = make()
        return self._made[key]


class Sources:
    """The files of one tree, read through ``tree`` and parsed once through ``cache``."""

    def __init__(self, tree: Tree, cache: ParseCache | None = None):
        self.tree = tree
        self.cache = cache if cache is not None else ParseCache()
        self._blobs: dict[str, str | None] = {}  # path -> blob id; None: no such file

    def text(self, path: str) -> str | None:
        return self.tree.read(path)

    def blob(self, path: str) -> str | None:
        if path not in self._blobs:
            text = self.tree.read(path)
            self._blobs[path] = None if text is None else blob_id(text)
        return self._blobs[path]

    def file(self, path: str) -> CFile | None:
        """The parsed file: C for ``.c`` and ``.h``, one unit per line for the rest."""
        blob = self.blob(path)
        if blob is None:
            return None
        return self.cache.get(blob, "C" if is_c(path) else "lines", lambda: self._parse(path))

    def _parse(self, path: str) -> CFile:
        text = self.tree.read(path) or ""
        return parse(text) if is_c(path) else parse_lines(text)

    def present(self, path: str) -> CFile:
        """The parsed file at ``path``, which the caller knows the tree has."""
        cfile = self.file(path)
        if cfile is None:
            raise ValueError(f"{path} is not in {self.tree}")
        return cfile

    def derived(self, path: str, what: Any, make: Callable[[], Any]) -> Any:
        """``make()``, something made from the file at ``path`` alone: made once per content."""
        blob = self.blob(path)
        if blob is None:
            raise ValueError(f"{path} is not in {self.tree}")
        return self.cache.get(blob, what, make)

    def declares(self, name: str, near: str) -> bool:
        """The file at ``near`` can call ``name``: a header it can see (``visible_headers``)
        declares it (a prototype, a ``#define``, an inline), or a file near it defines it."""
        decl = re.compile(rf"^\s*#\s*define\s+{re.escape(name)}\b|\b{re.escape(name)}\s*\(")
        hits = self.tree.grep(name, paths=visible_headers((near,)), word=True, fixed=True)
        if any(decl.search(code_of(text)) for _, _, text in hits):
            return True
        return next(self.definitions(name, near), None) is not None

    def definitions(self, name: str, near: str) -> Iterator[str]:
        """Files of the tree that define function ``name``, nearest ``near`` first: its
        directory, the directories above it up to its subsystem (``home``), then include/;
        the rest of the tree is not searched (``searched`` says where was).  Each area is one
        fixed-string ``git grep -w`` (cached by the tree per commit and name); the definition
        pattern is applied here to the few lines it finds."""
        head = re.compile(definition_pattern(name))
        for paths in _definition_areas(near):
            hits = self.tree.grep(name, paths=paths, word=True, fixed=True)
            yield from sorted(dict.fromkeys(p for p, _, text in hits if head.search(text)))


_BIG = ("drivers", "arch")  # top-level directories too big to be one subsystem: drivers/net is


def home(path: str) -> str:
    """The subsystem a file belongs to: its top-level directory (mm, fs, kernel, net, sound), or
    the first two levels under drivers/ and arch/ (drivers/gpu, arch/x86).  A function that
    moves, and a header a file includes by a relative path or a Makefile's -I, stay inside it."""
    parts = path.split("/")[:-1]
    return "/".join(parts[:2] if parts[:1] and parts[0] in _BIG else parts[:1])


def searched(near: str) -> tuple[str, ...]:
    """Where ``definitions`` looks, widest first, as a message names it."""
    return tuple(dict.fromkeys(d for d in (home(near), "include") if d))


def visible_headers(paths, done: tuple[str, ...] = ()) -> tuple[str, ...]:
    """Pathspecs of the headers files at ``paths`` can see: those of their subsystems
    (``home``), include/ and arch/*/include/, less the directories ``done`` (searched already).
    A private header of an unrelated driver is not among them: a name only it defines is not
    defined where these files can use it."""
    homes = sorted({h for h in map(home, paths) if h})
    return (*(f"{h}/*.h" for h in homes), "include/*.h", "arch/*/include/*.h",
            *(f":(exclude){d}" for d in done))


def _definition_areas(near: str) -> list[tuple[str, ...]]:
    """Pathspecs, nearest first, each excluding the areas before it: the file's directory and
    those above it up to its ``home``, then include/."""
    parts = near.split("/")[:-1]
    top = home(near).count("/") + 1 if home(near) else 0
    dirs = ["/".join(parts[:i]) for i in range(len(parts), max(top, 1) - 1, -1)] + ["include"]
    areas: list[tuple[str, ...]] = []
    done: list[str] = []
    for d in dict.fromkeys(x for x in dirs if x):
        inner = [x for x in done if x.startswith(d + "/")]
        areas.append((f"{d}/*.c", f"{d}/*.h", *(f":(exclude){x}" for x in inner)))
        done = [x for x in done if x not in inner] + [d]
    return areas
