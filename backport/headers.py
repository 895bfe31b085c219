"""Headers the target spells differently.

An added ``#include <linux/unaligned.h>`` is wrong on a 6.1 tree, which has
the same helpers in ``<asm/unaligned.h>``.  When an included header does not
exist in the target, the other spelling kernels have used for the same
header (``linux/X`` <-> ``asm/X``) is looked up; found, it is a listed rename
with its evidence; not found, the hunk keeps the line and gets a warning.
"""
from __future__ import annotations

import posixpath
import re

from .model import Rename
from .tree import Tree

_INCLUDE = re.compile(r'^(\s*#\s*include\s*)<([^>]+)>(.*)$')
_ARCHES = ("x86", "arm64", "arm", "powerpc", "riscv", "s390")


def header_exists(tree: Tree, header: str) -> bool:
    """``<header>`` resolves in the tree: include/, asm-generic, or an arch's include/."""
    if tree.read(f"include/{header}") is not None or tree.read(f"include/uapi/{header}") is not None:
        return True
    if header.startswith("asm/"):
        rest = header[4:]
        return any(tree.read(p) is not None for p in
                   [f"include/asm-generic/{rest}"] + [f"arch/{a}/include/asm/{rest}" for a in _ARCHES])
    return False


def _alternatives(header: str) -> list[str]:
    head, _, rest = header.partition("/")
    if head == "linux":
        return [f"asm/{rest}"]
    if head == "asm":
        return [f"linux/{rest}"]
    return []


def respell_includes(lines: tuple[str, ...], target: Tree) -> tuple[tuple[str, ...], list[Rename], list[str]]:
    """Added lines with missing headers respelled; the renames and the warnings."""
    out, renames, warnings = [], [], []
    for line in lines:
        m = _INCLUDE.match(line)
        if not m or header_exists(target, m.group(2)):
            out.append(line)
            continue
        other = next((h for h in _alternatives(m.group(2)) if header_exists(target, h)), None)
        if other is None:
            warnings.append(f"<{m.group(2)}> does not exist in the target tree")
            out.append(line)
            continue
        out.append(f"{m.group(1)}<{other}>{m.group(3)}")
        renames.append(Rename(m.group(2), other, (f"<{m.group(2)}> is not in the target; <{other}> is",)))
    return tuple(out), renames, warnings


_ANY_INCLUDE = re.compile(r'^[ \t]*#[ \t]*include[ \t]*([<"])([^>"\n]+)[>"]', re.M)


def included(tree: Tree, path: str, text: str, depth: int = 2, limit: int = 48) -> list[str]:
    """The headers the file at ``path`` includes, as the compiler meets them, breadth first to
    ``depth`` levels and at most ``limit`` files: ``<linux/mm.h>`` is include/linux/mm.h (or
    include/uapi/linux/mm.h), ``"qux.h"`` is beside the including file.  ``<asm/...>`` depends on
    the architecture and is left out.  Each level is read in one batch."""
    out: list[str] = []
    level = [(path, text)]
    for _ in range(depth):
        wanted = list(dict.fromkeys(g for p, t in level for g in _resolutions(p, t)
                                    if not any(c in out for c in g)))[:limit - len(out)]
        tree.prefetch([c for group in wanted for c in group])
        level = []
        for group in wanted:
            found = next(((c, t) for c in group if (t := tree.read(c)) is not None), None)
            if found and found[0] not in out:
                out.append(found[0])
                level.append(found)
    return out


def _resolutions(path: str, text: str) -> list[tuple[str, ...]]:
    """For each ``#include`` of ``text``, the paths it may name, first match wins."""
    out: list[tuple[str, ...]] = []
    for m in _ANY_INCLUDE.finditer(text):
        name = m.group(2).strip()
        if m.group(1) == '"':
            near = posixpath.normpath(posixpath.join(posixpath.dirname(path), name))
            out.append((near,) if not near.startswith("..") else ())
        elif not name.startswith("asm/"):
            out.append((f"include/{name}", f"include/uapi/{name}"))
    return [group for group in out if group]
