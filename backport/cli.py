"""Command line: ``backport port`` and ``backport demo`` (thin: parse, run, render)."""
from __future__ import annotations

import argparse
from contextlib import contextmanager
import os
import sys

from rich.console import Console

from . import __version__
from .errors import BackportError, TreeError
from .output import Output
from .model import PortResult

EXIT_OK, EXIT_NEEDS_HUMAN, EXIT_ERROR = 0, 1, 2


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="backport", description="Carry a kernel fix to the trees that need it.")
    parser.add_argument("--version", action="version", version=f"backport {__version__}")
    sub = parser.add_subparsers(dest="command", required=True)
    port = sub.add_parser("port", help="port a reference patch to one or more target trees")
    port.add_argument("patch", help="patch, mbox or mail file; '-' for standard input")
    port.add_argument("--repo", help="git checkout to read refs from (read-only)")
    port.add_argument("--base", help="tree the patch was made against (ref or directory)")
    port.add_argument("--to", action="append", required=True, metavar="TARGET", help="target tree (ref or directory); repeatable")
    port.add_argument("-o", "--output", required=True, metavar="OUT", help="output directory")
    _common(port)
    demo = sub.add_parser("demo", help="port the seed patch across the demo kernel trees")
    demo.add_argument("-o", "--output", metavar="OUT", help="output directory (default: a new temporary one)")
    _common(demo)
    batch = sub.add_parser("batch", help="many ports in one process (JSON-lines jobs file)")
    batch.add_argument("jobs", help='JSON lines: {"id", "patch", "repo", "base", "to": [...]} per line')
    batch.add_argument("-o", "--output", required=True, metavar="OUT", help="output directory")
    batch.add_argument("--force", action="store_true", help="replace an existing output directory")
    review = sub.add_parser("review", help="walk through the hunks of a run's output directory (OUT/report.json)")
    review.add_argument("out", metavar="OUT", help="output directory of a run (or its report.json)")
    review.add_argument("--target", action="append", metavar="TARGET", help="only this target; repeatable")
    review.add_argument("--attention", action="store_true",
                        help="only hunks a reviewer must read (not exact/offset/whitespace/already-applied without warnings)")
    review.add_argument("--no-color", action="store_true", help="plain text")
    review.add_argument("--no-pager", action="store_true", help="do not page on a terminal")
    review.add_argument("--layout", choices=("auto", "side", "stacked"), default="auto",
                        help="reference and regenerated hunks side by side, stacked, or side by side when they fit")
    review.add_argument("--width", type=int, metavar="N", help="columns (default: the terminal's, 120 when piped)")
    return parser


def _common(p: argparse.ArgumentParser) -> None:
    p.add_argument("--force", action="store_true", help="replace an existing output directory")
    p.add_argument("--json", metavar="FILE", help="write the JSON report ('-' for standard output)")
    p.add_argument("--report", metavar="FILE", help="write the Markdown report")
    p.add_argument("--no-color", action="store_true", help="plain text output")
    p.add_argument("--subject-prefix", metavar="PREFIX", help="subject prefix (default: PATCH <target>)")
    p.add_argument("--signoff", action="store_true", help="add your Signed-off-by (from git config)")
    p.add_argument("--upstream-style", choices=("commit", "bracket"), default="commit",
                   help="how the upstream commit is named: 'commit <sha> upstream.' or '[ Upstream commit <sha> ]'")
    p.add_argument("--no-partial", action="store_true",
                   help="write no series for a target where a hunk needs a human or a check failed")
    p.add_argument("--review", action="store_true", help="then review the result hunk by hunk (see 'backport review')")
    p.add_argument("--no-pager", action="store_true", help="with --review: do not page the review")


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if args.command == "review":
        from .review import run_review
        try:
            return run_review(args.out, no_color=args.no_color, pager=not args.no_pager, width=args.width,
                              targets=args.target, attention=args.attention, layout=args.layout)
        except BackportError as err:
            print(f"backport: {err}", file=sys.stderr)
            return err.exit_code
    if args.command == "batch":
        return _batch(args)
    stream = sys.stderr if args.json == "-" else sys.stdout
    console = Console(no_color=args.no_color or bool(os.environ.get("NO_COLOR")), highlight=False,
                      stderr=args.json == "-", width=None if stream.isatty() else 160)
    try:
        if args.command == "demo":
            from .demo import run_demo
            results, out = run_demo(args)
        else:
            results, out = run_port(args)
    except BackportError as err:
        print(f"backport: {err}", file=sys.stderr)
        return err.exit_code
    except KeyboardInterrupt:
        print("backport: interrupted; nothing written", file=sys.stderr)
        return 130
    return finish(results, out, args, console)


def _batch(args) -> int:
    from .batch import run_batch
    try:
        summary, out = run_batch(args)
    except BackportError as err:
        print(f"backport: {err}", file=sys.stderr)
        return err.exit_code
    counts = {s: sum(1 for j in summary if j["status"] == s) for s in ("complete", "needs-human", "error", "crash")}
    counts["error"] += counts.pop("crash")
    total = sum(j["seconds"] for j in summary)
    print(f"{len(summary)} jobs: {counts['complete']} complete, {counts['needs-human']} need a human, "
          f"{counts['error']} errors; {total:.1f} s in ports; written to {out.path}")
    return EXIT_OK if counts["complete"] == len(summary) else (EXIT_ERROR if counts["error"] else EXIT_NEEDS_HUMAN)


def run_port(args) -> tuple[list[PortResult], Output]:
    from .ingest import read_patches
    from .pipeline import port
    from .tree import Repository, open_tree
    patches = read_patches(args.patch)
    repo = Repository(args.repo) if args.repo else None
    targets = [open_tree(t, repo) for t in args.to]
    out = Output(args.output, force=args.force)
    results = []
    with out.staging() as scratch, progress_bar(len(patches) * len(targets)) as step:
        for patch in patches:
            base_spec = pick_base(args.base, patch, repo)
            base = open_tree(base_spec, repo)
            results.append(port(patch, base, targets, scratch=scratch, base_name=base_spec, progress=step))
        out.write_results(results, args)
    return results, out


@contextmanager
def progress_bar(total: int):
    """A progress bar on a terminal for runs of several ports; nothing when piped."""
    if total < 2 or not sys.stderr.isatty():
        yield None
        return
    from rich.progress import Progress
    with Progress(console=Console(stderr=True), transient=True) as bar:
        task = bar.add_task("porting", total=total)
        yield lambda target: bar.update(task, advance=1, description=f"ported to {target}")


def pick_base(given: str | None, patch, repo) -> str:
    from .tree import ref_for_version
    if given:
        return given
    if patch.base_hint and repo is not None:
        ref = ref_for_version(patch.base_hint, repo)
        if ref:
            return ref
    if patch.meta.base_commit and repo is not None and repo.try_resolve(patch.meta.base_commit):
        return patch.meta.base_commit
    hint = f" (its paths name {patch.base_hint}, which is no ref of --repo)" if patch.base_hint else ""
    raise TreeError(f"cannot tell which tree the patch was made against{hint}; give --base", source=patch.source)


def finish(results: list[PortResult], out: Output, args, console: Console) -> int:
    from .report import render_terminal
    render_terminal(results, console)
    for s in out.series:
        if s.get("skipped"):
            console.print(f"{s['target']}: series not written ({s['skipped']})", highlight=False)
    console.print(f"series written to {out.path}", highlight=False)
    if getattr(args, "review", False):
        from .review import run_review
        run_review(str(out.path), no_color=args.no_color, pager=not args.no_pager)
    if args.command == "demo":
        return EXIT_OK  # the demo's conflicts (5.4, 5.10) are the expected outcome
    return EXIT_OK if all(r.complete for r in results) else EXIT_NEEDS_HUMAN


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
