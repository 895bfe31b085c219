"""Scoring: L1 per case, and which of backport's regenerated hunks are right.

Definitions (also in RESULTS.md):

* L1: the result file equals the expected file after whitespace
  normalisation (each line's whitespace runs collapsed to one space, ends
  stripped, blank lines dropped).
* wrong-but-applied: the tool said it applied the change (exit status 0) and
  the result is not L1.
* a regenerated hunk is right when, comparing the result file R with the
  expected file E line by line (normalised as for L1, blank lines kept for
  positions), no difference between R and E lies within the hunk's changed
  region of R: the span from its first to its last added line or removal
  point, in R's line numbers.  A hunk that was not placed, or a patch that
  does not apply, is not right.
"""
from __future__ import annotations

import difflib
import re

from . import diffs

CLEAN = {"exact", "offset", "whitespace", "drifted", "renamed", "relocated"}


def is_l1(result: str | None, expected: str) -> bool:
    return result is not None and diffs.normalised_text(result) == diffs.normalised_text(expected)


def differences(result: str, expected: str) -> list[tuple[float, float]]:
    """Where R differs from E, as closed spans in R's line coordinates.

    Line k (0-based) covers [k, k+1]; a point k is the gap before line k.
    """
    r = [diffs.normalise(x) for x in result.split("\n")]
    e = [diffs.normalise(x) for x in expected.split("\n")]
    matcher = difflib.SequenceMatcher(None, r, e, autojunk=False)
    return [(i1, i2) for tag, i1, i2, _, _ in matcher.get_opcodes() if tag != "equal"]


def changed_span(hunk: diffs.Hunk) -> tuple[float, float] | None:
    """The hunk's changed region in the new file's coordinates (see differences)."""
    pos = hunk.new_start - 1 if hunk.new_count else hunk.new_start
    points = []
    for line in hunk.lines:
        kind = line[:1]
        if kind == " ":
            pos += 1
        elif kind == "+":
            points += [pos, pos + 1]
            pos += 1
        elif kind == "-":
            points.append(pos)
    return (min(points), max(points)) if points else None


def overlaps(span: tuple[float, float], diff: tuple[float, float]) -> bool:
    """Line spans overlap when they share a line; a point (a gap) touches a
    span when it lies on it, ends included (strict against the tool)."""
    (a, b), (c, d) = span, diff
    if a == b or c == d:
        return max(a, c) <= min(b, d)
    return max(a, c) < min(b, d)


def hunk_is_right(hunk: diffs.Hunk, diffs_re: list[tuple[float, float]]) -> bool:
    span = changed_span(hunk)
    return span is not None and not any(overlaps(span, d) for d in diffs_re)


def patch_hunks(patch: str, path: str) -> list[diffs.Hunk]:
    """The hunks of ``patch`` that change ``path``."""
    chunks = re.split(r"(?m)^(?=diff --git )", patch)
    for chunk in chunks:
        if chunk.startswith("diff --git ") and f" b/{path}\n" in chunk.split("\n", 1)[0] + "\n":
            body = chunk.split("\n-- \n")[0]  # drop a format-patch signature
            return diffs.parse(body).hunks
    return []


def judge_hunks(outcome, case: dict) -> list[dict]:
    """backport's hunks, each with its verdict and whether it is right."""
    placed = patch_hunks(outcome.patch or "", case["path"]) if outcome.result is not None else []
    spans = differences(outcome.result, case["expected"]) if outcome.result is not None else []
    found = match_placed(outcome.hunks, placed, case["path"])
    return [{"index": hunk.get("index", i + 1), "verdict": hunk.get("verdict"),
             "clean": hunk.get("verdict") in CLEAN, "placed": mine is not None,
             "right": mine is not None and hunk_is_right(mine, spans),
             "reason": hunk.get("reason"), "warnings": hunk.get("warnings") or []}
            for i, (hunk, mine) in enumerate(zip(outcome.hunks, found))]


def match_placed(reported: list[dict], placed: list[diffs.Hunk], path: str) -> list:
    """For each reported hunk, the hunk of the patch that carries it (or None).

    A reported hunk is found by the body of its regenerated text; the ones not
    found that way take the patch's remaining hunks in order.
    """
    by_body = {tuple(h.lines): h for h in placed}
    found, used = [], set()
    for hunk in reported:
        body = regenerated_body(hunk)
        mine = by_body.get(body) if body else None
        found.append(mine)
        if mine is not None:
            used.add(id(mine))
    spare = iter([h for h in placed if id(h) not in used])
    for i, hunk in enumerate(reported):
        if found[i] is None and regenerated_body(hunk) and hunk.get("path", path) == path:
            found[i] = next(spare, None)
    return found


def regenerated_body(hunk: dict) -> tuple | None:
    parsed = diffs.parse(hunk.get("regenerated") or "").hunks
    return tuple(parsed[0].lines) if parsed else None


# --------------------------------------------------------------------------
# strata: what makes a case hard
# --------------------------------------------------------------------------

ADAPTED, DRIFTED, REST = "adapted", "drifted", "rest"
STRATA = (ADAPTED, DRIFTED, REST)


def human_lines(before: str, expected: str) -> set[str]:
    """The human backport's added and removed lines, signed and normalised as ``changed_set``."""
    old, new = before.split("\n"), expected.split("\n")
    out = set()
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, old, new, autojunk=False).get_opcodes():
        if tag != "equal":
            out.update("-" + diffs.normalise(x) for x in old[i1:i2])
            out.update("+" + diffs.normalise(x) for x in new[j1:j2])
    return {item for item in out if len(item) > 1}


def stratum(case: dict, easy: bool | None) -> str:
    """``adapted`` when the human changed the fix itself (its changed lines differ
    between the two branches), else ``drifted`` when ``patch --fuzz=0`` does not
    give the human's result (the context drifted), else ``rest``."""
    reference = diffs.changed_set(diffs.parse(read_input(case)).hunks)
    if reference != human_lines(case["before"], case["expected"]):
        return ADAPTED
    return REST if easy else DRIFTED


def read_input(case: dict) -> str:
    data = case["input"].read_bytes() if hasattr(case["input"], "read_bytes") else case["input"].encode()
    return data.decode("utf-8", "surrogateescape")
