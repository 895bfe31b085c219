"""`python -m bench run`: every tool on the same cases, in one run, scored the same way."""
from __future__ import annotations

import datetime
import os
import platform
import statistics
import subprocess
import tempfile
import time
from pathlib import Path

from . import cases, score, tools

EASY = "patch --fuzz=0"  # a case is easy when this already gets it right


def pick_cases(manifest: dict, limit: int | None, windows: list[str] | None,
               confirmed_only: bool) -> list[dict]:
    """The manifest's cases, filtered, then an even spread of ``limit`` of them."""
    chosen = [c for c in manifest["cases"]
              if (not windows or c["window"] in windows)
              and (c.get("subject_confirmed") or not confirmed_only)]
    chosen.sort(key=lambda c: c["id"])
    if limit and limit < len(chosen):
        step = len(chosen) / limit
        chosen = [chosen[int(i * step)] for i in range(limit)]
    return chosen


def run_tool(name: str, case: dict, repo: Path) -> tools.Outcome:
    with tempfile.TemporaryDirectory(prefix="bench-") as work:
        try:
            return tools.TOOLS[name](case, repo, Path(work))
        except FileNotFoundError as missing:  # wiggle or patch not installed
            return tools.Outcome(name, False, None, 0.0, 0, None, f"not installed: {missing}")


def score_outcome(outcome: tools.Outcome, case: dict) -> dict:
    l1 = outcome.applied and score.is_l1(outcome.result, case["expected"])
    record = {"applied": outcome.applied, "l1": l1, "wrong_applied": outcome.applied and not l1,
              "wall": round(outcome.wall, 4), "maxrss_kb": outcome.maxrss_kb,
              "status": outcome.status}
    if outcome.note and not outcome.applied:
        record["note"] = outcome.note
    if outcome.tool == "backport" and outcome.status is not None:
        record["hunks"] = score.judge_hunks(outcome, case)
        record["flagged"] = outcome.status != 0 or any(not h["clean"] for h in record["hunks"])
        record["result_l1"] = score.is_l1(outcome.result, case["expected"])
    return record


def run_case(case: dict, repo: Path, names: list[str], done: dict | None = None) -> dict:
    """Every tool of ``names`` on the case (``done``: tools already scored on it)."""
    entry = {k: case[k] for k in ("id", "direction", "path", "subject", "subject_confirmed",
                                  "cut", "source_base", "target")}
    done = done or {}
    entry["tools"] = {name: done.get(name) or score_outcome(run_tool(name, case, repo), case) for name in names}
    if EASY in entry["tools"]:
        entry["easy"] = entry["tools"][EASY]["l1"]
        entry["stratum"] = score.stratum(case, entry["easy"])
    return entry


def in_strata(case: dict, repo: Path, strata: set[str] | None) -> tuple[bool, dict]:
    """Whether the case is of one of ``strata`` (all when None), and the tools it took to know."""
    if not strata:
        return True, {}
    easy = score_outcome(run_tool(EASY, case, repo), case)
    return score.stratum(case, easy["l1"]) in strata, {EASY: easy}


def join_tools(entries: list[dict], others: list[dict], names: list[str]) -> list[str]:
    """Give each case of ``entries`` the tools that ``others`` (runs of the same cases, matched
    by direction and id) ran and it did not; the tool names of the joined results."""
    by_case = {(o["direction"], o["id"]): o for o in others}
    added: list[str] = []
    for e in entries:
        other = by_case.get((e["direction"], e["id"]))
        for name, record in (other or {}).get("tools", {}).items():
            if name not in e["tools"]:
                e["tools"][name] = record
                added += [name] if name not in added and name not in names else []
    return list(names) + added


def tool_names(include: list[str] | None, skip_backport: bool) -> list[str]:
    names = include or list(tools.TOOLS)
    return [n for n in names if not (skip_backport and n == "backport")]


def run(manifest: dict, repo: Path, *, directions=cases.DIRECTIONS, limit=None, windows=None,
        confirmed_only=False, names=None, case_root: Path | None = None,
        measure_startup=True, strata: set[str] | None = None, part: tuple[int, int] | None = None,
        log=print) -> dict:
    """Materialise the chosen cases, run every tool on each, return the results.  With
    ``strata``, only cases of those strata (known after `patch --fuzz=0` ran on each); with
    ``part``, only the K-th of every N cases so chosen."""
    picked = pick_cases(manifest, limit, windows, confirmed_only)
    started = time.monotonic()
    entries = []
    todo = [(c, d) for d in directions for c in picked]
    kept = 0
    for n, (case, direction) in enumerate(todo, 1):
        case_dir = cases.materialise(manifest, case, direction, root=case_root, repo=repo)
        loaded = cases.load_case(case_dir)
        wanted, done = in_strata(loaded, repo, strata)
        if wanted:
            kept += 1
            if not part or (kept - 1) % part[1] == part[0] - 1:
                entries.append(run_case(loaded, repo, names, done))
        if n % 50 == 0 or n == len(todo):
            log(f"  {n}/{len(todo)} cases looked at, {len(entries)} run, {time.monotonic() - started:.0f} s")
    return {"schema": 1, "date": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
            "machine": machine(), "manifest": manifest_summary(manifest),
            "tools": names, "tool_versions": tool_versions(),
            "backport_startup_s": (tools.startup_cost()
                                   if "backport" in names and measure_startup else None),
            "backport_available": tools.backport_command() is not None,
            "backport_commit": backport_commit(),
            "summary": summarise(entries, names), "cases": entries}


def backport_commit() -> str | None:
    """$BENCH_BACKPORT_COMMIT (a snapshot run through $BACKPORT_CMD), else this checkout's HEAD."""
    if named := os.environ.get("BENCH_BACKPORT_COMMIT"):
        return named
    root = Path(__file__).resolve().parent.parent
    out = subprocess.run(["git", "-C", str(root), "rev-parse", "--short", "HEAD"],
                         capture_output=True, text=True)
    return out.stdout.strip() or None


def machine() -> dict:
    mem = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    return {"cpus": os.cpu_count(), "memory_gb": round(mem / 2**30, 1),
            "system": platform.platform(), "python": platform.python_version()}


def tool_versions() -> dict:
    def first_line(cmd):
        try:
            out = subprocess.run(cmd, capture_output=True, text=True)
            return (out.stdout or out.stderr).strip().splitlines()[0]
        except (OSError, IndexError):
            return None
    return {"git": first_line(["git", "--version"]), "patch": first_line(["patch", "--version"]),
            "wiggle": first_line(["wiggle", "--version"])}


def manifest_summary(manifest: dict) -> dict:
    return {"branches": {k: v["versions"] for k, v in manifest["branches"].items()},
            "windows": [{k: w[k] for k in ("name", "newer", "older")} for w in manifest["windows"]],
            "cases_in_manifest": len(manifest["cases"])}


# --------------------------------------------------------------------------
# summary
# --------------------------------------------------------------------------

def summarise(entries: list[dict], names: list[str]) -> dict:
    groups = {}
    for direction in sorted({e["direction"] for e in entries}):
        mine = [e for e in entries if e["direction"] == direction]
        groups[direction] = {
            "all": tally(mine, names),
            "easy": tally([e for e in mine if e.get("easy")], names),
            "hard": tally([e for e in mine if not e.get("easy")], names)}
    return {"by_direction": groups, "all": tally(entries, names),
            "by_stratum": {s: stratum_tally([e for e in entries if e.get("stratum") == s], names)
                           for s in score.STRATA},
            "cost": {n: cost([e["tools"][n] for e in entries]) for n in names},
            "backport_verdicts": verdict_precision(entries) if "backport" in names else None}


def tally(entries: list[dict], names: list[str]) -> dict:
    result = {"cases": len(entries)}
    for name in names:
        records = [e["tools"][name] for e in entries]
        result[name] = {k: sum(1 for r in records if r[k]) for k in ("applied", "l1", "wrong_applied")}
    return result


def stratum_tally(entries: list[dict], names: list[str]) -> dict:
    """Per tool: L1, and 'claimed clean but wrong' (said it applied cleanly, result is
    not the human's); for backport also false alarms (flagged although its result is L1)."""
    result = {"cases": len(entries)}
    for name in names:
        records = [e["tools"][name] for e in entries]
        if name == "backport":
            clean = [r for r in records if "flagged" in r and not r["flagged"]]
            result[name] = {"l1": sum(r["l1"] for r in records),
                            "result_l1": sum(r.get("result_l1", False) for r in records),
                            "claimed_clean": len(clean),
                            "clean_wrong": sum(not r["result_l1"] for r in clean),
                            "false_alarms": sum(r.get("flagged", False) and r.get("result_l1", False)
                                                for r in records)}
        else:
            result[name] = {"l1": sum(r["l1"] for r in records), "claimed_clean": sum(r["applied"] for r in records),
                            "clean_wrong": sum(r["wrong_applied"] for r in records)}
    return result


def cost(records: list[dict]) -> dict:
    walls = sorted(r["wall"] for r in records)
    if not walls:
        return {}
    p95 = walls[min(len(walls) - 1, int(round(0.95 * (len(walls) - 1))))]
    return {"median_s": round(statistics.median(walls), 4), "p95_s": round(p95, 4),
            "peak_rss_mb": round(max(r["maxrss_kb"] for r in records) / 1024, 1)}


def verdict_precision(entries: list[dict]) -> dict:
    records = [e["tools"]["backport"] for e in entries if "hunks" in e["tools"]["backport"]]
    hunks = [h for r in records for h in r["hunks"]]
    clean = [h for h in hunks if h["clean"]]
    wrong = [h for h in hunks if not h["right"]]
    wrong_cases = [r for r in records if not r["result_l1"]]
    right_cases = [r for r in records if r["result_l1"]]
    by_verdict = {}
    for h in hunks:
        slot = by_verdict.setdefault(h["verdict"], {"hunks": 0, "right": 0})
        slot["hunks"] += 1
        slot["right"] += h["right"]
    return {"cases_run": len(records), "hunks": len(hunks), "clean_hunks": len(clean),
            "clean_right": sum(h["right"] for h in clean),
            "wrong_hunks": len(wrong), "wrong_hunks_flagged": sum(not h["clean"] for h in wrong),
            "wrong_cases": len(wrong_cases),
            "wrong_cases_flagged": sum(1 for r in wrong_cases if r["flagged"]),
            "right_cases": len(right_cases),
            "right_cases_flagged": sum(1 for r in right_cases if r["flagged"]),
            "unplaced_hunks": sum(not h["placed"] for h in hunks),
            "by_verdict": by_verdict}
