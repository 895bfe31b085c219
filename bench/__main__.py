"""python -m bench {fetch,cases,run,report,smoke,speed}"""
from __future__ import annotations

import argparse
import sys

from . import config


def cmd_fetch(args) -> int:
    from . import fetch
    fetch.fetch(config.load_manifest(), keep_debs=not args.drop_debs)
    return 0


def cmd_cases(args) -> int:
    from . import cases
    manifest = config.load_manifest()
    found = cases.find_cases(manifest)
    manifest["cases"] = found
    config.save_manifest(manifest)
    confirmed = sum(1 for c in found if c["subject_confirmed"])
    cut = sum(1 for c in found if c["cut"])
    print(f"{len(found)} paired files ({confirmed} with a confirmed subject, {cut} cut); "
          f"{len(found)} cases per direction written to {config.MANIFEST}")
    return 0


def cmd_run(args) -> int:
    import json
    from pathlib import Path

    from . import report, run
    manifest = config.load_manifest()
    names = run.tool_names(args.tool, args.no_backport)
    directions = [args.direction] if args.direction else ["backport", "forwardport"]
    results = run.run(manifest, config.repo_dir(), directions=directions, limit=args.limit,
                      windows=args.window, confirmed_only=args.confirmed_only, names=names,
                      strata=set(args.stratum or ()) or None, part=args.part)
    results["selection"] = describe_selection(args)
    out_json = Path(args.json)
    out_json.write_text(json.dumps(results, indent=1) + "\n")
    Path(args.markdown).write_text(report.render(results))
    print(f"wrote {out_json} and {args.markdown}")
    return 0


def describe_selection(args) -> str:
    parts = [f"direction={args.direction or 'both'}"]
    if args.limit:
        parts.append(f"an even spread of {args.limit} manifest cases (sorted by id)")
    if args.window:
        parts.append(f"windows={','.join(args.window)}")
    if args.confirmed_only:
        parts.append("only cases whose subject is confirmed by both changelogs")
    if args.stratum:
        parts.append(f"strata={','.join(sorted(args.stratum))}")
    if args.part:
        parts.append(f"part {args.part[0]} of every {args.part[1]}")
    return "; ".join(parts)


def cmd_report(args) -> int:
    import json
    from pathlib import Path

    from . import report
    results = json.loads(Path(args.json).read_text())
    Path(args.markdown).write_text(report.render(results))
    return 0


def cmd_merge(args) -> int:
    """One results file from runs of the same selection split by direction (two processes)."""
    import json
    from pathlib import Path

    from . import report, run
    parts = [json.loads(Path(p).read_text()) for p in args.parts]
    merged = dict(parts[0])
    merged["cases"] = [c for p in parts for c in p["cases"]]
    if args.tools_from:
        others = [json.loads(Path(p).read_text()) for p in args.tools_from]
        merged["tools"] = run.join_tools(merged["cases"], [c for o in others for c in o["cases"]], merged["tools"])
    merged["summary"] = run.summarise(merged["cases"], merged["tools"])
    merged["selection"] = parts[0]["selection"].replace(
        "direction=backport", "direction=both (run as two processes, one per direction)")
    Path(args.json).write_text(json.dumps(merged, indent=1) + "\n")
    Path(args.markdown).write_text(report.render(merged))
    print(f"wrote {args.json} and {args.markdown}")
    return 0


def cmd_compare(args) -> int:
    """The per-stratum table of several results files of the same cases, oldest first."""
    import json
    from pathlib import Path

    from . import report
    runs = []
    for spec in args.runs:
        label, _, path = spec.partition("=")
        runs.append((label, json.loads(Path(path).read_text())))
    table = report.compare_runs(runs)
    if args.markdown:
        Path(args.markdown).write_text(table)
    print(table, end="")
    return 0


def cmd_smoke(args) -> int:
    from . import smoke
    results = smoke.smoke(log=print if args.verbose else (lambda *a: None))
    print(results["markdown"].split("## Definitions")[0] if args.verbose else
          smoke_lines(results))
    problems = smoke.check(results)
    for problem in problems:
        print("smoke:", problem)
    return 1 if problems else 0


def cmd_speed(args) -> int:
    import json
    from pathlib import Path

    from . import speed
    results = speed.speed(runs=args.runs, src=args.src, jobs=args.jobs, only=args.case, warmup=args.warmup)
    Path(args.markdown).write_text(speed.render(results))
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=1) + "\n")
    print(f"wrote {args.markdown}")
    return 0


def smoke_lines(results: dict) -> str:
    rows = [f"smoke: {len(results['cases'])} cases"]
    for name, t in results["summary"]["all"].items():
        if isinstance(t, dict):
            rows.append(f"  {name:18} applied {t['applied']}  L1 {t['l1']}  wrong {t['wrong_applied']}")
    return "\n".join(rows)


def _part(text: str) -> tuple[int, int]:
    k, _, n = text.partition("/")
    if not (k.isdigit() and n.isdigit() and 1 <= int(k) <= int(n)):
        raise argparse.ArgumentTypeError(f"{text!r}: give K/N with 1 <= K <= N")
    return int(k), int(n)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("fetch", help="download the manifest's packages and import them into the bench repo")
    p.add_argument("--drop-debs", action="store_true", help="delete each .deb after import")
    p.set_defaults(func=cmd_fetch)
    p = sub.add_parser("cases", help="pair the windows' changes and rewrite the manifest's case list")
    p.set_defaults(func=cmd_cases)
    p = sub.add_parser("run", help="run every tool on the cases and write results")
    p.add_argument("--limit", type=int, help="an even spread of N manifest cases (per direction)")
    p.add_argument("--window", action="append", help="only this window (repeatable)")
    p.add_argument("--direction", choices=["backport", "forwardport"])
    p.add_argument("--confirmed-only", action="store_true", help="only cases with a confirmed subject")
    p.add_argument("--tool", action="append", help="only this tool (repeatable)")
    p.add_argument("--no-backport", action="store_true", help="baselines only")
    p.add_argument("--stratum", action="append", choices=["adapted", "drifted", "rest"],
                   help="only cases of this stratum (repeatable; `patch --fuzz=0` runs on every case to tell)")
    p.add_argument("--part", type=_part, metavar="K/N",
                   help="only the K-th of every N chosen cases (a run split in N, or a sample and its held-out rest)")
    p.add_argument("--json", default=str(config.BENCH_DIR / "results.json"))
    p.add_argument("--markdown", default=str(config.BENCH_DIR / "RESULTS.md"))
    p.set_defaults(func=cmd_run)
    p = sub.add_parser("report", help="rewrite RESULTS.md from results.json")
    p.add_argument("--json", default=str(config.BENCH_DIR / "results.json"))
    p.add_argument("--markdown", default=str(config.BENCH_DIR / "RESULTS.md"))
    p.set_defaults(func=cmd_report)
    p = sub.add_parser("merge", help="one results.json from runs split by direction")
    p.add_argument("parts", nargs="+", help="results JSON files of the same selection")
    p.add_argument("--tools-from", action="append", metavar="FILE",
                   help="add the tools of this results file's runs of the same cases (repeatable)")
    p.add_argument("--json", default=str(config.BENCH_DIR / "results.json"))
    p.add_argument("--markdown", default=str(config.BENCH_DIR / "RESULTS.md"))
    p.set_defaults(func=cmd_merge)
    p = sub.add_parser("compare", help="the per-stratum table of several results files, oldest first")
    p.add_argument("runs", nargs="+", metavar="LABEL=FILE", help="a results JSON file and its label")
    p.add_argument("--markdown", help="also write the table here")
    p.set_defaults(func=cmd_compare)
    p = sub.add_parser("smoke", help="the whole harness on tiny trees, offline, in seconds")
    p.add_argument("-v", "--verbose", action="store_true")
    p.set_defaults(func=cmd_smoke)
    p = sub.add_parser("speed", help="CPU, wall and memory of ports on the full bench trees")
    p.add_argument("--runs", type=int, default=3, help="counted runs per case (after one warm-up)")
    p.add_argument("--warmup", type=int, default=1, help="uncounted runs first")
    p.add_argument("--src", help="run the backport package found in this directory (a snapshot, for before/after)")
    p.add_argument("--jobs", type=int, help="--jobs for the batch case (default: the tool's own)")
    p.add_argument("--case", action="append", help="only this case (repeatable)")
    p.add_argument("--markdown", default=str(config.BENCH_DIR / "SPEED.md"))
    p.add_argument("--json", help="also write the figures as JSON")
    p.set_defaults(func=cmd_speed)
    args = parser.parse_args(argv)
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
