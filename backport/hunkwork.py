"""What is known about one reference hunk on one target while it is ported.

The stages of one target (``scopes``, ``adapt``, ``regenerate``, ``checks``)
each add their facts to a hunk's ``HunkWork``: where it goes, what it adds,
the findings of the checks.  The verdict is not among them: ``judge``
decides it once, from ``HunkWork.facts()``, and ``HunkWork.result`` gives the
hunk's line in the report.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from .judge import Facts, Judgement, Placed
from .locate import Placement, Scope, blocks, changed_lines
from .model import (
    TEXT_CHANGES,
    FileKind,
    FilePatch,
    Finding,
    FindingKind,
    Hunk,
    HunkResult,
    Patch,
    Place,
    Rename,
    Repair,
    Severity,
    Verdict,
)


@dataclass
class HunkWork:
    """One reference hunk on one target: facts only, gathered stage by stage."""

    path: str
    index: int
    hunk: Hunk
    repaired: bool
    scope: Scope | None = None
    placement: Placement | None = None
    added: dict[tuple[int, int], tuple[str, ...]] = field(default_factory=dict)
    renames: list[Rename] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    already: bool = False  # the target already has the change
    out: Hunk | None = None  # the hunk written for the target
    target_place: Place | None = None
    strategy: str = ""  # how it was placed when not by the statement alignment

    def add(self, kind: FindingKind, severity: Severity, message: str, *evidence: str) -> None:
        self.findings.append(Finding(kind, severity, message, evidence))

    @property
    def in_play(self) -> bool:
        """Not refused and not already applied: still to be placed and checked."""
        return not self.already and not any(f.severity is Severity.BLOCK for f in self.findings)

    @property
    def placed(self) -> bool:
        return self.out is not None and self.in_play

    @property
    def located(self) -> tuple[Scope, Placement]:
        """The scope and placement of a hunk the locate stage placed (asked only of those)."""
        if self.scope is None or self.placement is None:
            raise ValueError(f"hunk {self.index} of {self.path} has no place in the target")
        return self.scope, self.placement

    def added_lines(self) -> list[str]:
        """The lines it adds in the target (the reference hunk's until they are adapted)."""
        return [x for v in self.added.values() for x in v] or [x for b in blocks(self.hunk) for x in b.added]

    def facts(self) -> Facts:
        """The facts ``judge`` decides the hunk's verdict from."""
        placed = None
        s, p, out = self.scope, self.placement, self.out
        if self.placed and s is not None and p is not None and out is not None:  # (placed: all three are)
            placed = Placed(s.new_home if s.relocated else None, tuple(self.renames), bool(p.replaced),
                            _embedded(self.hunk, out), min(e.start for e in p.edits) - changed_lines(self.hunk)[0],
                            self.repaired, self.strategy)
        return Facts(tuple(self.findings), self.already, placed)

    def result(self, j: Judgement) -> HunkResult:
        """The hunk's line in the report, with the verdict ``judge`` gave it."""
        s = self.scope
        bplace = None
        if s is not None:
            first, last = changed_lines(self.hunk)
            bplace = Place(self.path, s.function, first, last)
        target_text = None
        if self.placement and self.placement.replaced:
            target_text = "\n".join(self.placement.replaced)
        elif j.verdict is Verdict.CONFLICT and s is not None:
            target_text = "\n".join(s.target_file.lines[s.target_span[0] - 1:s.target_span[1]][:80])
        regenerated = self.out.text() if self.out is not None else None
        return HunkResult(self.path, self.index, j.verdict, j.reason, bplace, self.target_place, self.hunk.text(),
                          regenerated, target_text, tuple(self.renames), j.warnings)


def _embedded(ref: Hunk, out: Hunk) -> bool:
    want = [(ln.kind, ln.text) for ln in ref.lines]
    have = [(ln.kind, ln.text) for ln in out.lines]
    n = len(want)
    return any(have[i:i + n] == want for i in range(len(have) - n + 1))


def hunks_to_port(patch: Patch, repairs: tuple[Repair, ...]) -> list[HunkWork]:
    """Every hunk of the (repaired) patch, then every file change besides hunks."""
    repaired_at = {(r.path, r.hunk) for r in repairs if r.restored or r.reindented}
    work = [HunkWork(fp.path, i, h, (fp.path, i) in repaired_at)
            for fp in patch.files for i, h in enumerate(fp.hunks, 1)]
    return work + [_file_change(fp) for fp in patch.files if fp.kind not in TEXT_CHANGES]


_WHAT = {FileKind.BINARY: "binary change", FileKind.MODE: "mode change", FileKind.RENAME: "rename",
         FileKind.COPY: "copy"}


def _file_change(fp: FilePatch) -> HunkWork:
    """What a patch does to a file besides its hunks: reported, never dropped."""
    w = HunkWork(fp.path, 0, Hunk(0, 0, 0, 0, "", ()), False)
    detail = "; ".join(fp.extended) if fp.extended else fp.path
    w.add(FindingKind.FILE_CHANGE, Severity.BLOCK,
          f"{_WHAT.get(fp.kind, fp.kind)} of {fp.path} is not ported automatically ({detail}): apply it by hand")
    return w
