"""The verdict of a hunk, decided in one place.

The stages before this one only gather facts about a hunk: where it was
placed (if anywhere), how the written hunk relates to the reference one, and
a tuple of findings, each with a severity.  ``judge`` turns those facts into
the hunk's verdict and reason.  The rule, read top to bottom:

1. the code the hunk changes is not in the target          -> ``missing``
2. a whole-file change that is not ported automatically     -> ``conflict``
3. the target already has the change                        -> ``already-applied``
4. a finding that the change cannot be placed safely        -> ``conflict``
5. a finding that the port may not build or may mean
   something else in the target (severity ``review``)       -> ``conflict``,
   kept in the patch for the reviewer ("placed, but ...")
6. otherwise the best clean verdict the evidence supports:
   relocated, renamed, drifted, offset, whitespace, exact.

A verdict is never better than its evidence: step 5 comes before step 6,
so no finding of severity ``review`` can sit under a clean verdict.
Findings of severity ``info`` are shown as warnings and leave the verdict
alone.
"""
from __future__ import annotations

from dataclasses import dataclass

from .model import Finding, FindingKind, Rename, Severity, Verdict


@dataclass(frozen=True)
class Placed:
    """How the hunk written for the target relates to the reference hunk."""

    new_home: str | None  # the function lives elsewhere in the target (relocated), in words
    renames: tuple[Rename, ...]  # renames applied to the added lines
    replaced: bool  # the target's version of the changed lines was replaced as a drifted block
    same_text: bool  # the reference hunk's lines appear unchanged in the written hunk
    moved: int  # target line - base line of the first change
    repaired: bool  # whitespace repaired against the base
    strategy: str = ""  # how it was placed when not by the statement alignment ("3-way merge")


@dataclass(frozen=True)
class Facts:
    """Everything the stages learned about one hunk on one target."""

    findings: tuple[Finding, ...] = ()
    already_applied: bool = False
    placed: Placed | None = None


@dataclass(frozen=True)
class Judgement:
    verdict: Verdict
    reason: str
    warnings: tuple[str, ...]


_FIRST = (FindingKind.ABSENT, FindingKind.FILE_CHANGE)


def judge(facts: Facts) -> Judgement:
    """The verdict the facts support, with its reason and the warnings to show."""
    findings = facts.findings
    absent = _first(findings, kinds=(FindingKind.ABSENT,))
    if absent:
        return _refused(Verdict.MISSING, absent, findings)
    whole = _first(findings, kinds=(FindingKind.FILE_CHANGE,))
    if whole:
        return _refused(Verdict.CONFLICT, whole, findings)
    if facts.already_applied:
        return Judgement(Verdict.ALREADY_APPLIED, "the target already has the change", ())
    blocked = _first(findings, severity=Severity.BLOCK)
    if blocked or facts.placed is None:
        return _refused(Verdict.CONFLICT, blocked, findings)
    review = _reason_for_review(findings)
    warnings = _messages(findings)
    if review:
        return Judgement(Verdict.CONFLICT, f"placed, but {review.message} (review the added lines)", warnings)
    verdict, reason = _clean(facts.placed, findings)
    return Judgement(verdict, reason, warnings)


def _refused(verdict: Verdict, why: Finding | None, findings: tuple[Finding, ...]) -> Judgement:
    reason = why.message if why else "the change could not be placed"
    return Judgement(verdict, reason, _messages(f for f in findings if f is not why))


def _clean(p: Placed, findings: tuple[Finding, ...]) -> tuple[Verdict, str]:
    how = f" ({p.strategy})" if p.strategy else ""
    if p.new_home:
        return Verdict.RELOCATED, p.new_home + how
    if p.renames:
        names = ", ".join(f"{r.old} -> {r.new}" for r in p.renames)
        return Verdict.RENAMED, f"added lines rewritten for the target's names: {names}{how}"
    if p.replaced:
        return Verdict.DRIFTED, "the lines it changes were rewritten in the target; that version is replaced" + how
    if not p.same_text or p.strategy:
        drift = _first(findings, kinds=(FindingKind.DRIFT,))
        return Verdict.DRIFTED, (drift.message if drift else "context differs, anchors found") + how
    repaired = "; whitespace repaired against the base" if p.repaired else ""
    if p.moved:
        return Verdict.OFFSET, f"same text, {p.moved:+d} lines{repaired}"
    if p.repaired:
        return Verdict.WHITESPACE, "applies once its damaged whitespace is repaired against the base"
    return Verdict.EXACT, "applies as is"


def _reason_for_review(findings) -> Finding | None:
    """The review finding to give as the reason: one that says what may not build or may mean
    something else first, before one that says where the lines went is a guess."""
    reviews = [f for f in findings if f.severity is Severity.REVIEW]
    return next((f for f in reviews if f.kind is not FindingKind.PLACEMENT), reviews[0] if reviews else None)


def _first(findings, *, kinds=None, severity=None) -> Finding | None:
    return next((f for f in findings if (kinds is None or f.kind in kinds)
                 and (severity is None or f.severity is severity)), None)


def _messages(findings) -> tuple[str, ...]:
    return tuple(dict.fromkeys(f.message for f in findings))
