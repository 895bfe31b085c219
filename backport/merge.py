"""The fallback placement: a 3-way merge of one hunk, as ``git merge-file`` does it.

When the statement alignment cannot place a hunk, the hunk alone is applied
to the base file ("patched base") and ``git merge-file`` merges base ->
patched base into the target file, with git's own diff.  The merge is taken
only when it is clean and what it changed in the target is exactly the hunk's
change: its removed lines, intact, and its added lines, nothing else.  The
files are written under the run's scratch directory (a temporary directory
when none is given), never in a checkout.
"""
from __future__ import annotations

import difflib
import os
import subprocess
import tempfile
from pathlib import Path

from .encoding import decode, encode
from .indent import norm
from .locate import Block, Edit
from .regenerate import Text, apply_edits

STRATEGY = "3-way merge"


def merge_hunk(base_text: str, target_text: str, blocks: list[Block], scratch: str | None) -> tuple[Edit, ...] | None:
    """Edits on the target's lines that carry the hunk, or None when the merge is not clean
    or changes anything but the hunk's own lines."""
    text = Text.of(base_text)
    patched = apply_edits(text, [Edit(b.first, len(b.removed), b.added) for b in blocks]).render()
    merged = _merge_file(base_text, patched, target_text, scratch)
    if merged is None:
        return None
    edits = _edits(target_text.split("\n"), merged.split("\n"))
    return tuple(edits) if edits and _same_change(edits, target_text.split("\n"), blocks) else None


def _merge_file(base: str, patched: str, target: str, scratch: str | None) -> str | None:
    with tempfile.TemporaryDirectory(dir=scratch, prefix="merge-") as tmp:
        paths = []
        for name, text in (("target", target), ("base", base), ("patched", patched)):
            path = Path(tmp) / name
            path.write_bytes(encode(text))
            paths.append(str(path))
        env = dict(os.environ, GIT_CEILING_DIRECTORIES=tmp)
        run = subprocess.run(["git", "merge-file", "-p", "--quiet", *paths], capture_output=True, cwd=tmp, env=env)
    return decode(run.stdout) if run.returncode == 0 else None


def _edits(old: list[str], new: list[str]) -> list[Edit]:
    matcher = difflib.SequenceMatcher(None, old, new, autojunk=False)
    return [Edit(i1 + 1, i2 - i1, tuple(new[j1:j2])) for tag, i1, i2, j1, j2 in matcher.get_opcodes() if tag != "equal"]


def _same_change(edits: list[Edit], target: list[str], blocks: list[Block]) -> bool:
    """The merge removed the hunk's removed lines and added its added lines, and nothing else."""
    def lines(xs):
        return [norm(x) for x in xs if x.strip()]
    removed = lines(x for e in edits for x in target[e.start - 1:e.start - 1 + e.removed])
    added = lines(x for e in edits for x in e.added)
    return removed == lines(x for b in blocks for x in b.removed) and added == lines(x for b in blocks for x in b.added)


def unique_places(edits: tuple[Edit, ...], target: tuple[str, ...], blocks: list[Block], base: tuple[str, ...]) -> bool:
    """The places the merge chose are the only ones of their kind in the target: some block's
    place is found once in the target file (a removed run; or an insertion's pair of non-blank
    neighbours from the base, adjacent there), and every other block lies as far from that one
    in the target as in the base."""
    if len(edits) != len(blocks):
        return False
    pairs = list(zip(sorted(edits, key=lambda e: e.start), sorted(blocks, key=lambda b: b.first)))
    text = [norm(x) for x in target]
    unique = [(e, b) for e, b in pairs if _found_once(e, b, text, target, base)]
    if not unique:
        return False
    e0, b0 = unique[0]
    return all((e, b) in unique or e.start - e0.start == b.first - b0.first for e, b in pairs)


def _found_once(e: Edit, b: Block, text: list[str], target: tuple[str, ...], base: tuple[str, ...]) -> bool:
    if b.removed:
        return _count(text, [norm(x) for x in b.removed]) == 1
    around = [_neighbour(base, b.first - 2, -1), _neighbour(base, b.first - 1, +1)]
    return _count(_nonblank(text), around) == 1 and \
        [_neighbour(target, e.start - 2, -1), _neighbour(target, e.start - 1, +1)] == around


def _neighbour(lines: tuple[str, ...], index: int, step: int) -> str:
    while 0 <= index < len(lines) and not lines[index].strip():
        index += step
    return norm(lines[index]) if 0 <= index < len(lines) else ""


def _nonblank(lines: list[str]) -> list[str]:
    return [x for x in lines if x.strip()]


def _count(hay: list[str], needle: list[str]) -> int:
    n = len(needle)
    return sum(1 for i in range(len(hay) - n + 1) if hay[i:i + n] == needle)
