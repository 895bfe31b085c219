"""A series through the pipeline: patch N regenerated as patches 1..N-1 leave each tree.

* On each target, patch N is ported to an ``OverlayTree`` holding what was
  written for patches 1..N-1 there (only what was placed: what ``git am`` of
  the series would give), so the mails apply in order.
* On the base, patches that share one base (files or an mbox given one
  ``--base``, or naming the same ``base-commit:``) are checked against that base
  as patches 1..N-1 leave it; a commit's parent is its own base anyway.  A patch
  that does not fit the base so changed is tried on the base as it is (the
  patches were then independent fixes of one tree, not a series).
* Every written diff gets ``index <pre>..<post> <mode>`` lines with the
  target's blob ids before and after it, for ``git am -3``.
* ``Fixes:`` and ``Cc: stable`` trailers are checked against each target.
"""
from __future__ import annotations

from dataclasses import replace

from .encoding import encode
from .errors import BackportError, BaseMismatch
from .ingest import parse_patches
from .model import Patch, PortResult, TargetResult
from .overlay import OverlayError, OverlayTree, file_mode, index_line
from .pipeline import port
from .stable import Ancestry, annotate
from .tree import Tree


def port_series(patches: list[Patch], bases: list[tuple[str, Tree]], targets: list[Tree], *,
                scratch: str | None, repo_path: str | None, progress=None) -> list[PortResult]:
    """Port each patch in order; ``bases[i]`` is (name, tree) of patch i's base."""
    overlays = [OverlayTree(t) for t in targets]
    ancestry = Ancestry(repo_path)
    base_overlay: OverlayTree | None = None
    base_name: str | None = None
    results: list[PortResult] = []
    for n, (patch, (name, base)) in enumerate(zip(patches, bases)):
        if name != base_name or base_overlay is None:
            base_overlay, base_name = OverlayTree(base), name
        result = _port_one(patch, base_overlay, base, overlays, scratch, name, progress)
        if n + 1 < len(bases) and bases[n + 1][0] == name:  # the next patch is checked on this base as it leaves it
            base_overlay.apply(result.repaired.files)
        targets_done = tuple(_indexed(t, ov) for t, ov in zip(result.targets, overlays))
        earlier = tuple(r.patch.meta.upstream for r in results)
        results.append(annotate(replace(result, targets=targets_done), ancestry, earlier))
    return results


def _port_one(patch, base_overlay: OverlayTree, base: Tree, overlays, scratch, name, progress) -> PortResult:
    trees = [_plain(ov) for ov in overlays]
    try:
        return port(patch, _plain(base_overlay), trees, scratch=scratch, base_name=name, progress=progress)
    except BaseMismatch:
        if not base_overlay.files:
            raise
        base_overlay.files.clear()  # not a series on this base: the patch fits the base as it is
        return port(patch, base, trees, scratch=scratch, base_name=name, progress=progress)


def _plain(overlay: OverlayTree) -> Tree:
    """The tree itself while nothing is applied (its caches, its history), else the overlay."""
    return overlay if overlay.files else overlay.inner


def _indexed(t: TargetResult, overlay: OverlayTree) -> TargetResult:
    """The target's diff with index lines; the overlay then moves on past it."""
    if not t.diff:
        overlay.applied += 1
        return t
    lines = t.diff.split("\n")
    heads = [i for i, s in enumerate(lines) if s.startswith("diff --git ")]
    files = t.files  # what the diff was rendered from; read back from its text only when that is not known
    if len(files) != len(heads):
        try:
            files = parse_patches(encode(t.diff), t.target)[0].files
        except BackportError:
            return t
    if len(heads) != len(files):
        return t
    try:
        after = overlay.patched(files)
    except OverlayError:
        return t
    extra = [index_line(overlay.read(fp.path), after.get(fp.path), file_mode(overlay, fp.path)) for fp in files]
    overlay.update(after)
    before = {at + 1: line for at, line in zip(heads, extra) if not lines[at + 1].startswith("index ")}
    out: list[str] = []  # (one pass: an insert per file would be quadratic in the files)
    for no, line in enumerate(lines):
        if no in before:
            out.append(before[no])
        out.append(line)
    return replace(t, diff="\n".join(out))
