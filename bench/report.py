"""results.json -> RESULTS.md"""
from __future__ import annotations

from . import score

DEFINITIONS = """\
## Definitions

* **case**: one file changed by the same fix in both windows (see `bench/manifest.json`:
  versions, windows, selection rules, and the case list itself). *backport* cases take the
  6.12 change of the file as input and the 6.1 file before the window as target; the
  expected result is the 6.1 file after the window, i.e. what the stable maintainers
  made of it. *forwardport* cases go the other way. Where a window holds other changes
  to the same file, the input keeps only the pairing hunks and the expected file is the
  target before-file with only the pairing hunks of the target's own diff applied
  (`cut` in the case's metadata).
* **applied**: the tool says it applied everything (exit status 0). For `git apply --3way` and
  `wiggle` a result with conflict markers exits non-zero and so is not applied; for
  backport, exit 0 means every hunk was placed and verified.
* **L1**: the applied result equals the expected file after whitespace normalisation:
  every line's whitespace runs collapsed to one space, ends stripped, blank lines dropped.
* **wrong-but-applied**: applied, and not L1: the dangerous outcome, a silent wrong patch.
* **easy / hard**: easy cases are those that `patch --fuzz=0` already gets right (L1);
  hard cases are all the others.
* **right hunk** (backport only): compare backport's result file R (the target with its
  regenerated patch applied by `git apply`; when backport exited 1 this is the patch with
  the hunks it did write) with the expected file E, line by line after the same
  normalisation (blank lines kept, so that positions hold). A regenerated hunk is right
  when no difference between R and E lies within the hunk's changed region of R: the span
  from its first to its last added line or removal point, in R's line numbers. Two line
  spans must share a line to count; an insertion or removal point counts even on a
  span's end (strict against the tool). A hunk backport did not place (conflict,
  missing), or whose patch does not apply, is not right.
* **verdict precision**: among hunks backport called clean (exact, offset, whitespace,
  drifted, renamed, relocated), the share that are right. **Flagged**: a wrong hunk is
  flagged when its verdict is not clean; a wrong case (result not L1) is flagged when
  backport exited non-zero or gave some hunk a verdict that is not clean.
* **time**: wall time of one tool invocation on one case (scratch set-up excluded); peak
  memory is the largest resident set of the tool's process tree over all cases.
"""


def pct(part: int, whole: int) -> str:
    return f"{part} ({100 * part / whole:.1f}%)" if whole else "0"


def outcome_table(group: dict, names: list[str]) -> list[str]:
    n = group["cases"]
    lines = ["| tool | applied | L1 | wrong-but-applied |", "|---|---|---|---|"]
    for name in names:
        t = group[name]
        lines.append(f"| {name} | {pct(t['applied'], n)} | {pct(t['l1'], n)} | "
                     f"{pct(t['wrong_applied'], n)} |")
    return lines


def cost_table(summary: dict, names: list[str], startup) -> list[str]:
    lines = ["| tool | median s/case | p95 s/case | peak memory MB |", "|---|---|---|---|"]
    for name in names:
        c = summary["cost"].get(name) or {}
        lines.append(f"| {name} | {c.get('median_s', '-')} | {c.get('p95_s', '-')} | "
                     f"{c.get('peak_rss_mb', '-')} |")
    if startup is not None:
        lines.append(f"\nbackport start-up (`backport --help`, median of 5): {startup:.3f} s")
    return lines


def verdict_section(v: dict | None, available: bool) -> list[str]:
    if not available:
        return ["backport was **not available** in this run (no `backport` command, no "
                "`backport.cli`): its rows count it as applying nothing."]
    if not v or not v["cases_run"]:
        return ["backport produced no JSON report on any case."]
    lines = [f"* cases with a JSON report: {v['cases_run']}; hunks: {v['hunks']}",
             f"* verdict precision: {pct(v['clean_right'], v['clean_hunks'])} of the "
             f"{v['clean_hunks']} hunks called clean are right",
             f"* wrong hunks flagged: {pct(v['wrong_hunks_flagged'], v['wrong_hunks'])}",
             f"* wrong cases (result not L1) flagged: {pct(v['wrong_cases_flagged'], v['wrong_cases'])}",
             f"* right cases (result L1) flagged all the same (false alarms): "
             f"{pct(v.get('right_cases_flagged', 0), v.get('right_cases', 0))}",
             f"* hunks left out of the regenerated patch: {v.get('unplaced_hunks', 0)}",
             "", "| verdict | hunks | right |", "|---|---|---|"]
    for verdict, slot in sorted(v["by_verdict"].items(), key=lambda kv: str(kv[0])):
        lines.append(f"| {verdict} | {slot['hunks']} | {slot['right']} |")
    return lines


STRATUM_TITLES = {score.ADAPTED: "the human changed the fix (adapted)",
                  score.DRIFTED: "context drifted (`patch --fuzz=0` fails), same fix",
                  score.REST: "the rest"}
STRATUM_TOOLS = ("backport", "wiggle", "git apply --3way")


def strata_table(summary: dict, names: list[str]) -> list[str]:
    """Per stratum and tool: L1, claimed clean but not the human's result, false alarms (backport)."""
    strata = summary.get("by_stratum")
    if not strata:
        return []
    tools = [n for n in STRATUM_TOOLS if n in names]
    head = "| stratum | cases | " + " | ".join(f"{t} L1 | {t} clean but wrong" for t in tools) + " | backport false alarms |"
    lines = [head, "|" + "---|" * (2 + 2 * len(tools) + 1)]
    for key in score.STRATA:
        g = strata.get(key)
        if not g:
            continue
        n = g["cases"]
        cells = [f"{pct(g[t]['l1'], n)} | {pct(g[t]['clean_wrong'], g[t]['claimed_clean'])}" for t in tools]
        alarms = g.get("backport", {}).get("false_alarms", 0)
        right = g.get("backport", {}).get("result_l1", 0)
        lines.append(f"| {STRATUM_TITLES[key]} | {n} | " + " | ".join(cells) + f" | {pct(alarms, right)} |")
    return lines + ["", "clean but wrong: of the cases the tool claimed clean (exit 0; for backport every hunk "
                    "clean), the share whose result is not the human's. false alarms: of the cases whose "
                    "result is the human's, the share backport flagged (exit 1 or a hunk not clean)."]


def compare(before: dict, after: dict) -> str:
    """The per-stratum table of two runs on the same cases, before and after."""
    rows = ["| stratum | cases | backport L1 before | after | clean but wrong before | after | "
            "false alarms before | after | wiggle L1 | git apply --3way L1 |", "|---|---|---|---|---|---|---|---|---|---|"]
    for key in score.STRATA:
        b, a = before["summary"]["by_stratum"].get(key), after["summary"]["by_stratum"].get(key)
        if not b or not a:
            continue
        n = a["cases"]
        bb, ab = b["backport"], a["backport"]
        rows.append(f"| {STRATUM_TITLES[key]} | {n} | {pct(bb['l1'], n)} | {pct(ab['l1'], n)} | "
                    f"{pct(bb['clean_wrong'], bb['claimed_clean'])} | {pct(ab['clean_wrong'], ab['claimed_clean'])} | "
                    f"{pct(bb['false_alarms'], bb['result_l1'])} | {pct(ab['false_alarms'], ab['result_l1'])} | "
                    f"{pct(a['wiggle']['l1'], n) if 'wiggle' in a else '-'} | "
                    f"{pct(a['git apply --3way']['l1'], n) if 'git apply --3way' in a else '-'} |")
    return "\n".join(rows) + "\n"


def compare_runs(runs: list[tuple[str, dict]]) -> str:
    """The per-stratum table of several runs on the same cases (label, results), oldest first."""
    labels = [label for label, _ in runs]
    head = ("| stratum | cases | " + " | ".join(f"L1 {x}" for x in labels) + " | "
            + " | ".join(f"clean but wrong {x}" for x in labels) + " | "
            + " | ".join(f"false alarms {x}" for x in labels) + " | wiggle L1 | git apply --3way L1 |")
    rows = [head, "|" + "---|" * (4 + 3 * len(runs))]
    last = runs[-1][1]["summary"]["by_stratum"]
    for key in score.STRATA:
        groups = [r["summary"]["by_stratum"].get(key) for _, r in runs]
        if not all(groups) or not last.get(key, {}).get("cases"):
            continue
        n, bs = last[key]["cases"], [g["backport"] for g in groups]
        cells = ([pct(b["l1"], n) for b in bs] + [pct(b["clean_wrong"], b["claimed_clean"]) for b in bs]
                 + [pct(b["false_alarms"], b["result_l1"]) for b in bs])
        tools = [pct(last[key][t]["l1"], n) if t in last[key] else "-" for t in ("wiggle", "git apply --3way")]
        rows.append(f"| {STRATUM_TITLES[key]} | {n} | " + " | ".join(cells + tools) + " |")
    return "\n".join(rows) + "\n"


def cases_to_look_at(entries: list[dict], most: int = 25) -> list[str]:
    """backport's silent wrong results, and easy cases it did not finish."""
    def listed(title, chosen):
        rows = [f"{title} ({len(chosen)}):", ""]
        rows += [f"* {e['direction']} `{e['id']}` ({e['source_base']} -> {e['target']}): "
                 + ", ".join(f"#{h['index']} {h['verdict']}{'' if h['right'] else ' (wrong)'}"
                             for h in e["tools"]["backport"].get("hunks", []))
                 for e in chosen[:most]]
        return rows + ([f"* ... {len(chosen) - most} more in results.json"] if len(chosen) > most else []) + [""]
    wrong = [e for e in entries if e["tools"]["backport"]["wrong_applied"]]
    easy_missed = [e for e in entries if e.get("easy") and not e["tools"]["backport"]["applied"]]
    return (listed("backport wrong-but-applied", wrong)
            + listed("easy cases (patch --fuzz=0 right) that backport did not apply", easy_missed))


NOTES = """\
## Notes

* The expected file is what the stable maintainers committed, so a mechanical tool can be
  "wrong" even where the patch applies at fuzz 0: the human adapted the change, or a
  window's other commits touched the same lines (cases pair at Jaccard >= 0.5, not 1.0).
  That is why `git apply` and `patch --fuzz=0` have wrong-but-applied results on hard cases.
* `git apply --3way` can use the input's preimage blob: the bench repository holds it.
* backport is run through its CLI, one process per case; its median includes the
  start-up cost shown above."""


def render(results: dict, title: str = "Benchmark results") -> str:
    names = results["tools"]
    summary = results["summary"]
    m = results["manifest"]
    out = [f"# {title}", "",
           f"Generated by `python -m bench run` on {results['date']} "
           f"({results['machine']['cpus']} cores, {results['machine']['memory_gb']} GB, "
           f"{results['machine']['system']}, Python {results['machine']['python']}).", "",
           "Versions (Debian linux-source packages, C sources only): " +
           "; ".join(f"{k}: {', '.join(v)}" for k, v in m["branches"].items()) + ".", "",
           "Windows: " + "; ".join(f"{w['name']}: {w['newer'][0]}..{w['newer'][1]} with "
                                    f"{w['older'][0]}..{w['older'][1]}" for w in m["windows"]) + ".",
           "",
           f"backport at commit {results.get('backport_commit')} of this repository.", "",
           f"Tools: {', '.join(f'{k} ({v})' for k, v in results['tool_versions'].items() if v)}.",
           "", f"Cases run: {summary['all']['cases']} "
           f"(manifest holds {m['cases_in_manifest']} paired files, each giving one case per direction)."]
    if results.get("selection"):
        out += ["", f"Selection: {results['selection']}"]
    for direction, groups in summary["by_direction"].items():
        for level in ("all", "easy", "hard"):
            g = groups[level]
            out += ["", f"### {direction}: {level} cases ({g['cases']})", ""]
            out += outcome_table(g, names)
    if summary.get("by_stratum"):
        out += ["", "## By stratum", ""] + strata_table(summary, names)
    out += ["", "## Cost", ""] + cost_table(summary, names, results.get("backport_startup_s"))
    if "backport" in names:
        out += ["", "## backport's verdicts", ""]
        out += verdict_section(summary.get("backport_verdicts"), results.get("backport_available"))
        out += ["", "## Cases to look at", ""] + cases_to_look_at(results["cases"])
    out += ["", NOTES, "", DEFINITIONS]
    return "\n".join(out) + "\n"
