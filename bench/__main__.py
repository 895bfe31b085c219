"""python -m bench {fetch,cases,run,report,smoke}"""
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
                      windows=args.window, confirmed_only=args.confirmed_only, names=names)
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
    return "; ".join(parts)


def cmd_report(args) -> int:
    import json
    from pathlib import Path
    from . import report
    results = json.loads(Path(args.json).read_text())
    Path(args.markdown).write_text(report.render(results))
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


def smoke_lines(results: dict) -> str:
    rows = [f"smoke: {len(results['cases'])} cases"]
    for name, t in results["summary"]["all"].items():
        if isinstance(t, dict):
            rows.append(f"  {name:18} applied {t['applied']}  L1 {t['l1']}  wrong {t['wrong_applied']}")
    return "\n".join(rows)


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
    p.add_argument("--json", default=str(config.BENCH_DIR / "results.json"))
    p.add_argument("--markdown", default=str(config.BENCH_DIR / "RESULTS.md"))
    p.set_defaults(func=cmd_run)
    p = sub.add_parser("report", help="rewrite RESULTS.md from results.json")
    p.add_argument("--json", default=str(config.BENCH_DIR / "results.json"))
    p.add_argument("--markdown", default=str(config.BENCH_DIR / "RESULTS.md"))
    p.set_defaults(func=cmd_report)
    p = sub.add_parser("smoke", help="the whole harness on tiny trees, offline, in seconds")
    p.add_argument("-v", "--verbose", action="store_true")
    p.set_defaults(func=cmd_smoke)
    args = parser.parse_args(argv)
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
