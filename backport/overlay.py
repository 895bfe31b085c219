"""A tree as a series leaves it: patches 1..N-1 applied in memory.

Patch N of a series is regenerated on the target as the patches before it
leave it, so that ``git am`` of the whole series succeeds in order.  An
``OverlayTree`` wraps a ``Tree`` and returns the patched text for the paths
the series touched; everything else is read from the tree underneath.
Nothing is written anywhere.

Also here: git's blob ids (``git hash-object``) and the ``index`` lines that
let ``git am -3`` fall back to a 3-way merge.
"""
from __future__ import annotations

import fnmatch
import os
import re
from collections.abc import Callable
from functools import lru_cache

from .model import ADDED, NO_EOL, REMOVED, TEXT_CHANGES, FileKind, FilePatch
from .regenerate import Text
from .tree import DirTree, GitTree, Tree, blob_id


class OverlayError(ValueError):
    """A diff that does not apply to the overlay's text (the series is not in order)."""


def apply_file(text: str | None, fp: FilePatch) -> str | None:
    """``text`` with the hunks of ``fp`` applied at their own line numbers (a diff made on this text)."""
    if fp.kind == FileKind.DELETE:
        return None
    lines = Text.of(text or "").lines
    out: list[str] = []
    pos = 0  # lines[:pos] are done
    for h in fp.hunks:
        old = [ln.text + (NO_EOL if ln.no_newline else "") for ln in h.lines if ln.kind != ADDED]
        new = [ln.text + (NO_EOL if ln.no_newline else "") for ln in h.lines if ln.kind != REMOVED]
        at = (h.old_start if h.old_count else h.old_start + 1) - 1
        if at < pos or list(lines[at:at + len(old)]) != old:
            raise OverlayError(f"{fp.path}: hunk at line {h.old_start} does not match")
        out.extend(lines[pos:at])
        out.extend(new)
        pos = at + len(old)
    out.extend(lines[pos:])
    return Text(tuple(out)).render()


class OverlayTree(Tree):
    """``inner`` with some files replaced by the text a series gave them."""

    def __init__(self, inner: Tree):
        self.inner = inner
        self.name = inner.name
        self.commit = inner.commit
        self.files: dict[str, str | None] = {}  # path -> patched text (None: deleted)
        self.applied = 0  # patches applied so far

    # -- what the series did --------------------------------------------------

    def apply(self, files) -> None:
        """Apply a diff's files (made on this overlay's current text)."""
        self.update(self.patched(files))

    def patched(self, files) -> dict[str, str | None]:
        """What a diff's files would make of this overlay's text: path -> text (None: deleted)."""
        patched: dict[str, str | None] = {}
        for fp in files:
            if fp.kind not in TEXT_CHANGES:
                continue
            path = fp.new_path or fp.old_path or fp.path
            patched[path] = apply_file(self.read(fp.path), fp)
            if fp.old_path and fp.new_path and fp.old_path != fp.new_path:
                patched[fp.old_path] = None
        return patched

    def update(self, patched: dict[str, str | None]) -> None:
        self.files.update(patched)
        self.applied += 1

    # -- the Tree interface ---------------------------------------------------

    def read(self, path: str) -> str | None:
        if path in self.files:
            return self.files[path]
        return self.inner.read(path)

    def prefetch(self, paths) -> None:
        self.inner.prefetch([p for p in paths if p not in self.files])

    def grep(self, pattern, *, paths=(), word=False, fixed=False, files=None):  # every hit: files is only a hint
        hits = [h for h in self.inner.grep(pattern, paths=paths, word=word, fixed=fixed) if h[0] not in self.files]
        if not self.files:
            return hits
        body = "|".join(map(re.escape, pattern.split("\n"))) if fixed else pattern  # git: one fixed string a line
        try:
            regex = re.compile(rf"\b(?:{body})\b" if word else body)
        except re.error:  # an ERE Python does not read: search the patched files as fixed text
            regex = re.compile(re.escape(pattern))
        for path, text in sorted(self.files.items()):
            if text is None or not in_pathspecs(path, paths):
                continue
            for no, line in enumerate(text.split("\n"), 1):
                if regex.search(line):
                    hits.append((path, no, line))
        return hits

    def words(self, names, paths):
        found = set(self.inner.words(names, paths))
        for path, text in self.files.items():
            if text is not None and in_pathspecs(path, paths):
                found |= {n for n in names if re.search(rf"\b{re.escape(n)}\b", text)}
        return found

    def stored(self, path: str) -> tuple[str, str] | None:
        return None if path in self.files else self.inner.stored(path)

    def check_applies(self, diff, files, scratch):
        return self.inner.check_applies(diff, files, scratch)

    def mode(self, path: str) -> str:
        """The file's git mode in the tree underneath (100644 when not known)."""
        return file_mode(self.inner, path)


def in_pathspecs(path: str, specs: tuple[str, ...]) -> bool:
    """A path git grep would search for these pathspecs (directories and ``*.c`` globs, less the
    directories of ``:(exclude)dir``)."""
    return pathspec_matcher(tuple(specs))(path)


@lru_cache(maxsize=64)
def pathspec_matcher(specs: tuple[str, ...]) -> Callable[[str], bool]:
    """``in_pathspecs`` for one set of pathspecs, compiled once: the 13,000 headers that differ
    between two stable trees are filtered in milliseconds, not half a second."""
    excluded = _matcher([s.removeprefix(":(exclude)") for s in specs if s.startswith(":(exclude)")])
    included = [s for s in specs if not s.startswith(":(exclude)")]
    if not included:
        return lambda path: not excluded(path)
    wanted = _matcher(included)
    return lambda path: wanted(path) and not excluded(path)


def _matcher(specs: list[str]) -> Callable[[str], bool]:
    """A path (or its last component) matching a glob (``*`` crosses ``/``, as in git's default
    pathspecs), or lying under a directory, or equal to a path of ``specs``."""
    if not specs:
        return lambda path: False
    glob = re.compile("|".join(fnmatch.translate(s) for s in specs))
    under = tuple(s.rstrip("/") + "/" for s in specs)
    exact = frozenset(specs)
    return lambda path: bool(glob.match(path) or glob.match(path.rsplit("/", 1)[-1])) \
        or path.startswith(under) or path in exact


def file_mode(tree: Tree, path: str) -> str:
    """100755 for an executable file, else 100644."""
    tree = tree.inner if isinstance(tree, OverlayTree) else tree
    if isinstance(tree, GitTree):
        mode = tree.mode(path)  # listed with the other files of the patch, not one git process each
        return mode if mode in ("100644", "100755", "120000") else "100644"
    if isinstance(tree, DirTree):
        full = tree.root / path
        return "100755" if full.is_file() and os.access(full, os.X_OK) else "100644"
    return "100644"


def index_line(pre: str | None, post: str | None, mode: str) -> str:
    """git's ``index <pre>..<post> <mode>`` line (abbreviated as format-patch --full-index does not)."""
    return f"index {blob_id(pre)}..{blob_id(post)} {mode}"
