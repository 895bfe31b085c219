"""Find the human backports: files changed by the same fix in both windows.

`find_pairs` reads the bench repository and the Debian changelogs and returns
the manifest's case list; `materialise` turns one manifest case into the
files a tool run needs (input patch, target before-file, expected file).
"""
from __future__ import annotations

import json
import math
import re
import subprocess
from pathlib import Path

from . import config, debian, diffs, kernelrepo

DIRECTIONS = ("backport", "forwardport")  # newer -> older, older -> newer


# --------------------------------------------------------------------------
# pairing
# --------------------------------------------------------------------------

def pairing_hunks(mine: diffs.FileDiff, theirs: diffs.FileDiff, threshold: float) -> list[int]:
    """Indices of my hunks whose changed lines are mostly found among theirs."""
    their_lines = diffs.changed_set(theirs.hunks)
    return [i for i, h in enumerate(mine.hunks)
            if diffs.containment(diffs.changed_set([h]), their_lines) >= threshold]


def pair_file(newer: diffs.FileDiff, older: diffs.FileDiff, rules: dict) -> dict | None:
    """The pairing of one file changed in both windows, or None."""
    keep_new = pairing_hunks(newer, older, rules["hunk_pair_min"])
    keep_old = pairing_hunks(older, newer, rules["hunk_pair_min"])
    if not keep_new or not keep_old:
        return None
    score = diffs.jaccard(diffs.changed_set([newer.hunks[i] for i in keep_new]),
                          diffs.changed_set([older.hunks[i] for i in keep_old]))
    if score < rules["jaccard_min"]:
        return None
    return {"jaccard": round(score, 3),
            "jaccard_whole_file": round(diffs.jaccard(diffs.changed_set(newer.hunks),
                                                      diffs.changed_set(older.hunks)), 3),
            "newer_hunks": keep_new, "newer_total": len(newer.hunks),
            "older_hunks": keep_old, "older_total": len(older.hunks),
            "cut": len(keep_new) < len(newer.hunks) or len(keep_old) < len(older.hunks)}


def changed_line_count(diff: diffs.FileDiff) -> int:
    return sum(len(h.changed()) for h in diff.hunks)


def window_pairs(repo: Path, window: dict, rules: dict, log=print) -> list[dict]:
    """Every file of ``window`` whose change pairs across the two branches."""
    (n0, n1), (o0, o1) = window["newer"], window["older"]
    newer = kernelrepo.changed_files(repo, n0, n1)
    older = kernelrepo.changed_files(repo, o0, o1)
    both = sorted(p for p in newer.keys() & older.keys()
                  if newer[p] == older[p] == "M" and p.endswith((".c", ".h")))
    log(f"{window['name']}: {len(newer)} files changed in {n0}..{n1}, "
        f"{len(older)} in {o0}..{o1}, {len(both)} in both")
    found = []
    newer_text = kernelrepo.window_diff(repo, n0, n1)
    older_text = kernelrepo.window_diff(repo, o0, o1)
    for path in both:
        dn = diffs.parse(newer_text[path])
        do = diffs.parse(older_text[path])
        if max(changed_line_count(dn), changed_line_count(do)) > rules["max_changed_lines"]:
            continue
        if pairing := pair_file(dn, do, rules):
            found.append({"window": window["name"], "path": path, **pairing,
                          "_diffs": (dn, do)})
    return found


# --------------------------------------------------------------------------
# subjects from the Debian changelogs
# --------------------------------------------------------------------------

_STOP = set("""fix fixes fixed add adds remove drop use the and for with from into when
not without avoid missing correct properly handle only also after before check under
return error free leak null pointer dereference potential possible in on of to a an
is be by at as it its out off up set get use-after-free uaf race condition
that this are was were some all can may new old via per than them they their there""".split())


def words(text: str) -> set[str]:
    return {w.lower() for w in re.findall(r"[A-Za-z_][A-Za-z0-9_]{2,}", text)} - _STOP


class SubjectIndex:
    """The stable subjects common to a window, weighted by how rare their words are."""

    def __init__(self, subjects: list[str]):
        self.subjects = subjects
        self.words = [words(s) for s in subjects]
        df: dict[str, int] = {}
        for ws in self.words:
            for w in ws:
                df[w] = df.get(w, 0) + 1
        self.idf = {w: math.log(len(subjects) / n) for w, n in df.items()}

    def best(self, evidence: set[str]) -> tuple[float, str | None, list[str]]:
        """(score, subject, matched words) of the subject that the evidence points at."""
        best = (0.0, None, [])
        for subject, ws in zip(self.subjects, self.words):
            matched = ws & evidence
            score = sum(self.idf[w] for w in matched)
            if score > best[0]:
                best = (score, subject, sorted(matched))
        return best


def change_evidence(path: str, diff: diffs.FileDiff, keep: list[int]) -> set[str]:
    """Words a subject may share with a file change: file and directory names,
    function headings and identifiers of the changed lines."""
    parts = path.split("/")
    named = " ".join([parts[-1].rsplit(".", 1)[0]] + parts[-3:-1]).replace("-", " ").replace(".", " ")
    found = words(named) | words(parts[-1].rsplit(".", 1)[0])
    for i in keep:
        found |= words(diff.hunks[i].section)
        found |= words(" ".join(ln[1:] for ln in diff.hunks[i].changed()))
    return found


def load_subjects(manifest: dict, window: dict) -> list[str]:
    """Subjects listed in both branches' changelogs for this window."""
    per_side = []
    for side in ("newer", "older"):
        old, new = window[side]
        series = next(s for s in manifest["branches"].values()
                      if any(debian.Package(s["package"], v).tag == new for v in s["versions"]))
        version = next(v for v in series["versions"]
                       if debian.Package(series["package"], v).tag == new)
        text = (config.changelog_dir() / f"{series['package']}_{version}.txt").read_text()
        per_side.append(debian.window_subjects(text, old[1:], new[1:]))
    older_keys = {s.lower() for s in per_side[1]}
    return [s for s in per_side[0] if s.lower() in older_keys]


def name_subject(case: dict, index: SubjectIndex, confirm_min: float) -> None:
    dn, do = case["_diffs"]
    evidence = (change_evidence(case["path"], dn, case["newer_hunks"])
                & change_evidence(case["path"], do, case["older_hunks"]))
    score, subject, matched = index.best(evidence)
    case["subject"] = subject
    case["subject_score"] = round(score, 1)
    case["subject_words"] = matched
    case["subject_confirmed"] = score >= confirm_min and len(matched) >= 2


def case_id(case: dict) -> str:
    return f"{case['window']}:{case['path']}"


def find_cases(manifest: dict, repo: Path | None = None, subjects=None, log=print) -> list[dict]:
    """The manifest's case list; ``subjects(manifest, window)`` names the stable
    subjects of a window (default: read from the Debian changelogs)."""
    repo = repo or config.repo_dir()
    subjects = subjects or load_subjects
    rules = manifest["selection"]
    cases = []
    for window in manifest["windows"]:
        index = SubjectIndex(subjects(manifest, window))
        log(f"{window['name']}: {len(index.subjects)} stable subjects in both changelogs")
        for case in window_pairs(repo, window, rules, log=log):
            name_subject(case, index, rules["subject_confirm_min"])
            case.pop("_diffs")
            cases.append({"id": case_id(case), **case})
    return cases


# --------------------------------------------------------------------------
# materialise one case for one direction
# --------------------------------------------------------------------------

def hash_blob(data: bytes) -> str:
    return subprocess.run(["git", "hash-object", "--stdin"], input=data,
                          capture_output=True, check=True).stdout.decode().strip()


def side_change(repo: Path, tags: list[str], path: str, keep: list[int]) -> dict:
    """before, cut after, and cut diff of one side of a case."""
    before = kernelrepo.read_blob(repo, tags[0], path).decode("utf-8", "surrogateescape")
    diff = diffs.parse(kernelrepo.file_diff(repo, tags[0], tags[1], path))
    after = diffs.apply_hunks(before, [diff.hunks[i] for i in keep])
    blob = hash_blob(after.encode("utf-8", "surrogateescape"))
    return {"before": before, "after": after, "diff": diffs.render(diff, keep, new_blob=blob),
            "tags": tags}


def window_of(manifest: dict, name: str) -> dict:
    return next(w for w in manifest["windows"] if w["name"] == name)


def materialise(manifest: dict, case: dict, direction: str, root: Path | None = None,
                repo: Path | None = None) -> Path:
    """Write input.patch, before, expected and meta.json for one case; return its dir."""
    root = root or config.cases_dir()
    slug = re.sub(r"[^A-Za-z0-9_.-]+", "_", case["id"])
    out = root / direction / slug
    if (out / "meta.json").exists():
        return out
    repo = repo or config.repo_dir()
    window = window_of(manifest, case["window"])
    newer = side_change(repo, window["newer"], case["path"], case["newer_hunks"])
    older = side_change(repo, window["older"], case["path"], case["older_hunks"])
    source, target = (newer, older) if direction == "backport" else (older, newer)
    out.mkdir(parents=True, exist_ok=True)
    write_text(out / "input.patch", source["diff"])
    write_text(out / "source_before", source["before"])
    write_text(out / "before", target["before"])
    write_text(out / "expected", target["after"])
    meta = {"id": case["id"], "direction": direction, "path": case["path"],
            "subject": case.get("subject"), "subject_confirmed": case.get("subject_confirmed"),
            "source_base": source["tags"][0], "source_tags": source["tags"],
            "target": target["tags"][0], "target_tags": target["tags"],
            "cut": case["cut"], "jaccard": case["jaccard"]}
    write_text(out / "meta.json", json.dumps(meta, indent=1) + "\n")
    return out


def write_text(path: Path, text: str) -> None:
    path.write_bytes(text.encode("utf-8", "surrogateescape"))


def load_case(case_dir: Path) -> dict:
    """A materialised case as a dict of strings plus its metadata."""
    def read(name):
        return (case_dir / name).read_bytes().decode("utf-8", "surrogateescape")
    meta = json.loads(read("meta.json"))
    return {**meta, "dir": case_dir, "input": case_dir / "input.patch",
            "before": read("before"), "expected": read("expected")}
