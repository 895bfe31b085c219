"""The base stage: check every hunk against the tree the patch was made for,
and repair whitespace damage against the base text.

Context and removed lines come back byte-exact from the base.  Added lines of
a damaged patch get kernel-style indentation back from their neighbours (see
``indent``).  The result is a patch that ``git apply`` takes on the base.
"""
from __future__ import annotations

from dataclasses import replace

from .errors import BaseMismatch
from .indent import Indenter, norm
from .model import CONTEXT, REMOVED, FileKind, FilePatch, Hunk, Patch, Repair
from .tree import Tree


def repair_patch(patch: Patch, base: Tree) -> tuple[Patch, tuple[Repair, ...]]:
    """The patch with every hunk placed on the base text, and what was repaired.

    Every file the patch changes is looked up first (in one read of the base), so a
    file the base lacks is reported before any hunk is worked on.
    """
    _check_files(patch, base)
    files, repairs = [], []
    for fp in patch.files:
        fixed, done = _repair_file(fp, base, patch)
        files.append(fixed)
        repairs.extend(done)
    return replace(patch, files=tuple(files)), tuple(repairs)


def _needs_base(fp: FilePatch) -> bool:
    return fp.kind not in (FileKind.ADD, FileKind.BINARY, FileKind.MODE) and bool(fp.hunks)


def _check_files(patch: Patch, base: Tree) -> None:
    wanted = [fp for fp in patch.files if _needs_base(fp)]
    absent = set(base.missing([fp.old_path or "" for fp in wanted]))
    fp = next((fp for fp in wanted if (fp.old_path or "") in absent), None)
    if fp is None:
        return
    whole = f"{fp.old_prefix}/{fp.old_path}"
    hint = ""
    if fp.old_prefix and not base.missing([whole]):
        hint = (f", but {whole} does: the diff's paths have no a/ b/ prefixes (git diff --no-prefix); "
                "read it with -p0")
    raise BaseMismatch(f"{fp.old_path} does not exist in base {base}{hint}", source=patch.source,
                       line=fp.source_line or None)


def _repair_file(fp: FilePatch, base: Tree, patch: Patch) -> tuple[FilePatch, list[Repair]]:
    if not _needs_base(fp):
        return fp, []
    text = base.read(fp.old_path or "")
    if text is None:
        raise BaseMismatch(f"{fp.old_path} does not exist in base {base}", source=patch.source,
                           line=fp.source_line or None)
    lines = text.split("\n")
    index_of = _LineIndex(lines)
    hunks, repairs, delta = [], [], 0
    for index, hunk in enumerate(fp.hunks, 1):
        start = find_hunk(hunk, lines, patch.damaged, index_of)
        if start is None:
            raise BaseMismatch(f"hunk #{index} of {fp.path} does not match base {base}",
                               source=patch.source, line=hunk.source_line or None)
        fixed, repair = _repair_hunk(hunk, lines, start, patch.damaged)
        fixed = replace(fixed, new_start=fixed.old_start + delta if fixed.new_count else fixed.old_start + delta - 1)
        delta += hunk.new_count - hunk.old_count
        hunks.append(fixed)
        if repair.restored or repair.reindented or repair.moved_by:
            repairs.append(replace(repair, path=fp.path, hunk=index))
    return replace(fp, hunks=tuple(hunks)), repairs


class _LineIndex:
    """Where each line (exact, and whitespace-normalised) occurs in a file."""

    def __init__(self, lines: list[str]):
        self.lines = lines
        self.normalised = [norm(x) for x in lines]
        self.exact = _positions(lines)
        self.loose = _positions(self.normalised)


def _positions(lines: list[str]) -> dict[str, list[int]]:
    out: dict[str, list[int]] = {}
    for i, s in enumerate(lines):
        out.setdefault(s, []).append(i)
    return out


def find_hunk(hunk: Hunk, lines: list[str], damaged: bool, index: _LineIndex | None = None) -> int | None:
    """0-based index of the base line where the hunk's old side starts.

    Byte-exact matches win; then whitespace-insensitive ones (damaged copies);
    among several, the one nearest to the header's line number.
    """
    index = index or _LineIndex(lines)
    old = hunk.old_lines
    want = hunk.old_start - 1 if hunk.old_count else hunk.old_start
    if not old:
        return max(0, min(want, len(lines)))
    exact = _matches(old, lines, index.exact)
    if exact:
        return min(exact, key=lambda i: abs(i - want))
    loose = _matches([norm(s) for s in old], index.normalised, index.loose)
    return min(loose, key=lambda i: abs(i - want)) if loose else None


def _matches(want: list[str], have: list[str], positions: dict[str, list[int]]) -> list[int]:
    """Where ``want`` starts in ``have``; candidates come from its rarest line (a hunk whose first line
    is a ``}`` repeated thousands of times would otherwise compare thousands of windows)."""
    n = len(want)
    k = min(range(n), key=lambda j: len(positions.get(want[j], ())))
    return [p - k for p in positions.get(want[k], ()) if p >= k and have[p - k:p - k + n] == want]


def _repair_hunk(hunk: Hunk, lines: list[str], start: int, damaged: bool) -> tuple[Hunk, Repair]:
    out, restored, reindented = [], 0, 0
    pos = start
    indenter = Indenter()
    for ln in hunk.lines:
        if ln.kind in (CONTEXT, REMOVED):
            exact = lines[pos]
            restored += exact != ln.text
            out.append(replace(ln, text=exact))
            indenter.see(exact, removed=ln.kind == REMOVED)
            pos += 1
        else:
            text = indenter.place(ln.text) if damaged else ln.text
            reindented += text != ln.text
            out.append(replace(ln, text=text))
            indenter.see(text)
    old_start = start + 1 if hunk.old_count else start
    fixed = replace(hunk, old_start=old_start, lines=tuple(out))
    return fixed, Repair("", 0, restored, reindented, old_start - hunk.old_start)
