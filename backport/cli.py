"""Command line: ``backport port`` and ``backport demo`` (thin: parse, run, render)."""
from __future__ import annotations

import argparse
import os
import signal
import sys
from contextlib import contextmanager

from . import _interrupted_while_starting
from .options import cycles_collected_between_jobs

if __name__ == "__main__":  # `python -m backport.cli`: argv[0] is the file, so the package did not
    signal.signal(signal.SIGINT, _interrupted_while_starting)  # trap ^C during the imports below

from typing import TYPE_CHECKING  # noqa: E402

from . import __version__
from .errors import BackportError, ReaderLeft
from .inputs import DEFAULT_LIMIT, parse_size
from .options import PortOptions
from .safetext import line, text_console

if TYPE_CHECKING:  # the port's modules (rich, email, tree-sitter) are imported when a command runs
    from rich.console import Console

    from .model import PortResult
    from .output import Output


def __getattr__(name: str):
    if name == "progress_bar":  # the port's own, re-exported for tests
        from .runner import progress_bar
        return progress_bar
    raise AttributeError(name)

EXIT_OK, EXIT_NEEDS_HUMAN, EXIT_ERROR = 0, 1, 2

EXIT_CODES = """exit status:
  0  every hunk of every patch placed and verified
  1  some hunk needs a human (conflict, missing) or a check failed; the series is still written
  2  bad input (unreadable patch, unknown ref, hunk not matching the base, output exists)"""
PORT_EPILOG = f"""examples:
  backport port 1f2e3d4c --to linux-6.1.y --to linux-5.15.y -o out/     # a commit of this checkout
  backport port v6.12..fixes --to stable/linux-6.1.y -o out/            # a range, as one series
  backport port -3 HEAD --to v4.19 -o out/ && git am -3 out/v4.19/v4.19.mbx
  backport port fix.patch --repo ~/linux --base v4.9.117 --to v4.14 -o out/

{EXIT_CODES}"""
MAIN_EPILOG = f"""examples:
  backport demo
  backport port abc123 --to linux-6.1.y -o out/ && git am -3 out/linux-6.1.y/linux-6.1.y.mbx
  backport review out/ --attention

{EXIT_CODES}"""
REVIEW_EPILOG = """examples:
  backport review out/
  backport review out/ --target v5.4 --attention
  backport review out/ --no-pager --width 100 | less

exit status:
  0  shown
  2  OUT holds no report this version reads"""
BATCH_EPILOG = """examples:
  backport batch jobs.jsonl -o out/
  echo '{"id": "a", "patch": "fix.patch", "repo": "/src/linux", "base": "v6.12", "to": ["v6.1"]}' > jobs.jsonl

exit status:
  0  every job complete
  1  some job needs a human
  2  a job had bad input, or the jobs file is unreadable"""
DEMO_EPILOG = """examples:
  backport demo
  backport demo -o /tmp/demo-out -v
  backport demo --json - | python3 -m json.tool

exit status:
  0  the demo ran (its conflicts on 5.4 and 5.10 are the expected outcome)
  2  the demo trees were not found"""


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="backport", description="Carry a kernel fix to the trees that need it.",
                                     epilog=MAIN_EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--version", action="version", version=f"backport {__version__}")
    sub = parser.add_subparsers(dest="command", required=True)
    for add in (_port_parser, _demo_parser, _batch_parser, _review_parser):
        add(sub)
    for p in sub.choices.values():
        p.add_argument("--max-input-size", type=parse_size, default=DEFAULT_LIMIT, metavar="SIZE",
                       help="refuse inputs larger than this (default 64M; K, M, G)")
    return parser


def _port_parser(sub) -> None:
    port = sub.add_parser("port", help="port a reference patch to one or more target trees",
                          description="Port PATCH (one or more: one series, in order) to each --to tree.",
                          epilog=PORT_EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter)
    port.add_argument("patch", nargs="+", metavar="PATCH",
                      help="patch, mbox or mail file, a directory of patches, '-' for standard input, "
                           "or a commit, a range (A..B) or '-N REV' of --repo; several are one series")
    port.add_argument("--repo", help="git checkout to read commits and refs from, read-only "
                                     "(default: the checkout the command runs in)")
    port.add_argument("--base", help="tree the patch was made against (ref or directory)")
    port.add_argument("--to", action="append", required=True, metavar="TARGET", help="target tree (ref or directory); repeatable")
    port.add_argument("-o", "--output", required=True, metavar="OUT", help="output directory")
    port.add_argument("-p", dest="strip", type=int, default=1, metavar="N",
                      help="remove N leading components from the diff's paths, as git apply -pN "
                           "(default 1; -p0 for a 'git diff --no-prefix' diff)")
    port.add_argument("--check-cmd", metavar="CMD", help="run CMD (shell) per target on the written patch "
                      "($BACKPORT_PATCH, $BACKPORT_TARGET, $BACKPORT_REPO); failure: the target needs review")
    _common(port)


def _demo_parser(sub) -> None:
    demo = sub.add_parser("demo", help="port the seed patch across the demo kernel trees", epilog=DEMO_EPILOG,
                          formatter_class=argparse.RawDescriptionHelpFormatter)
    demo.add_argument("-o", "--output", metavar="OUT", help="output directory (default: a new temporary one)")
    _common(demo)


def _batch_parser(sub) -> None:
    batch = sub.add_parser("batch", help="many ports in one process (JSON-lines jobs file)", epilog=BATCH_EPILOG,
                           formatter_class=argparse.RawDescriptionHelpFormatter)
    batch.add_argument("jobs", help='JSON lines: {"id", "patch", "repo", "base", "to": [...]} per line')
    batch.add_argument("-o", "--output", required=True, metavar="OUT", help="output directory")
    batch.add_argument("--force", action="store_true", help="replace an existing output directory")
    batch.add_argument("--jobs", dest="workers", type=int, metavar="N",
                       help="worker processes running jobs at once (default: the number of cores)")


def _review_parser(sub) -> None:
    review = sub.add_parser("review", help="walk through the hunks of a run's output directory (OUT/report.json)",
                            epilog=REVIEW_EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter)
    review.add_argument("out", metavar="OUT", help="output directory of a run (or its report.json)")
    review.add_argument("--target", action="append", metavar="TARGET", help="only this target; repeatable")
    review.add_argument("--attention", action="store_true",
                        help="only hunks a reviewer must read (not exact/offset/whitespace/already-applied without warnings)")
    review.add_argument("--no-color", action="store_true", help="plain text")
    review.add_argument("--no-pager", action="store_true", help="do not page on a terminal")
    review.add_argument("--layout", choices=("auto", "side", "stacked"), default="auto",
                        help="reference and regenerated hunks side by side, stacked, or side by side when they fit")
    review.add_argument("--width", type=int, metavar="N", help="columns (default: the terminal's, 120 when piped)")


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
    loud = p.add_mutually_exclusive_group()
    loud.add_argument("-v", "--verbose", action="store_true",
                      help="also the checks, rename evidence, warnings, history and Fixes:/stable notes")
    loud.add_argument("-q", "--quiet", action="store_true", help="only what needs a human")


def main(argv: list[str] | None = None) -> int:
    """The command; whatever happens, at most one line on standard error (never a traceback):
    exit 2 for bad input and anything unexpected, 130 for ^C, 128+N for signal N (SIGTERM, SIGHUP),
    which clean up like ^C."""
    try:
        with _as_a_command():
            return _handled(argv)
    except KeyboardInterrupt as err:  # the signal came once the work was done, while it was wound up
        return _interrupted(err)


@contextmanager
def _as_a_command():
    """^C unwinds and cleans up from here on, SIGTERM and SIGHUP too; no cyclic garbage collection.
    In the command's own process (the package set the start-up handler) ^C after the command is
    one line again, as before it; a signal that comes while the handlers change waits for that."""
    command = signal.getsignal(signal.SIGINT) is _interrupted_while_starting
    if command:
        signal.signal(signal.SIGINT, signal.default_int_handler)
    restore = _trap_signals()
    try:
        with cycles_collected_between_jobs():
            yield
    finally:
        from .paths import signals_held
        with signals_held():
            restore()
            if command:
                signal.signal(signal.SIGINT, _interrupted_while_starting)


def _handled(argv: list[str] | None) -> int:
    """_main, with every way it can fail turned into one line and an exit status."""
    try:
        return _main(argv)
    except KeyboardInterrupt as err:  # ^C, SIGTERM, SIGHUP; the staging directory is already gone
        return _interrupted(err)
    except BackportError as err:  # the one handler of refused input, for every command but review
        if isinstance(err, ReaderLeft):
            _quiet_stdout()
        _say(str(err))
        return err.exit_code
    except BrokenPipeError:  # `backport ... | head`: the reader left
        _quiet_stdout()
        return 128 + signal.SIGPIPE
    except MemoryError:
        _say("out of memory (an input too large? --max-input-size bounds what is read)")
        return EXIT_ERROR
    except RecursionError:
        _say("input nested too deeply to handle")
        return EXIT_ERROR
    except OSError as err:
        _say(f"{err.filename}: {err.strerror or err}" if err.filename else f"{err.strerror or err}")
        return EXIT_ERROR
    except Exception as err:  # noqa: BLE001 - a bug in the tool: one line, and a way to see where
        if os.environ.get("BACKPORT_TRACEBACK"):
            raise
        from rich.errors import MarkupError
        what = "cannot show text from the input" if isinstance(err, MarkupError) else "internal error"
        _say(f"{what}: {type(err).__name__}: {err} (BACKPORT_TRACEBACK=1 shows where)")
        return EXIT_ERROR


def _interrupted(err: KeyboardInterrupt) -> int:
    """One line for ^C, SIGTERM or SIGHUP, and 128 + the signal's number."""
    signum = getattr(err, "signum", signal.SIGINT)
    how = "interrupted" if signum == signal.SIGINT else f"terminated by {signal.Signals(signum).name}"
    _say(how + ("; nothing written" if getattr(err, "nothing_written", False) else ""))
    return 128 + signum


class Terminated(KeyboardInterrupt):
    """SIGTERM or SIGHUP: unwinds like ^C, so every staging directory is removed on the way out."""

    def __init__(self, signum: int):
        super().__init__(signum)
        self.signum = signum


def _on_signal(signum, frame):
    """Raise Terminated, except inside a finalizer (``__del__``), where Python can only print
    the exception ("Exception ignored in ...") and go on: there the signal comes back 5 ms later."""
    if _in_finalizer(frame):
        signal.signal(signal.SIGALRM, lambda _s, f: _on_signal(signum, f))
        signal.setitimer(signal.ITIMER_REAL, 0.005)
        return
    raise Terminated(signum)


def _in_finalizer(frame) -> bool:
    while frame is not None:
        if frame.f_code.co_name == "__del__":
            return True
        frame = frame.f_back
    return False


def _trap_signals():
    """SIGTERM and SIGHUP raise Terminated; returns what puts the old handlers back."""
    try:
        old = {s: signal.signal(s, _on_signal) for s in (signal.SIGTERM, signal.SIGHUP)}
    except ValueError:  # not the main thread
        return lambda: None
    return lambda: [signal.signal(s, h) for s, h in old.items()]


def _say(text: str) -> None:
    """``backport: TEXT`` on standard error, on one line, control characters shown escaped."""
    try:
        print(f"backport: {line(text)}", file=sys.stderr, flush=True)
    except (OSError, ValueError):  # standard error closed
        pass


def _quiet_stdout() -> None:
    try:
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
    except (OSError, ValueError):
        pass


def _check_args(args) -> None:
    """Before any work: the input size limit, and what -o, --json and --report may name."""
    from .inputs import set_limit
    from .paths import Inputs, check_paths
    set_limit(args.max_input_size)
    if args.command not in ("port", "demo"):
        return
    specs = getattr(args, "patch", None) or []
    specs = [specs] if isinstance(specs, str) else list(specs)
    inputs = Inputs(files=tuple(s for s in specs if s != "-" and os.path.lexists(s)),
                    trees=tuple(t for t in [args.__dict__.get("base"), *(args.__dict__.get("to") or [])]
                                if t and os.path.isdir(t)),
                    repos=tuple(r for r in [args.__dict__.get("repo")] if r))
    check_paths(args.output, inputs, json_file=args.json, report_file=args.report, force=args.force)


def _main(argv: list[str] | None) -> int:
    args = build_parser().parse_args(argv)
    _check_args(args)
    if args.command == "review":
        from .review import run_review
        try:
            return run_review(args.out, no_color=args.no_color, pager=not args.no_pager, width=args.width,
                              targets=args.target, attention=args.attention, layout=args.layout)
        except BackportError as err:
            _say(str(err))
            return err.exit_code
    if args.command == "batch":
        return _batch(args)
    stream = sys.stderr if args.json == "-" else sys.stdout
    console = text_console(no_color=args.no_color or bool(os.environ.get("NO_COLOR")), highlight=False,
                           stderr=args.json == "-", width=None if stream.isatty() else 1 << 16)  # piped: never wrapped
    try:
        options = PortOptions.from_args(args)
        if args.command == "demo":
            from .demo import run_demo
            results, out = run_demo(options)
        else:
            from .runner import run_port
            results, out = run_port(options)
    except KeyboardInterrupt as err:
        err.nothing_written = True  # type: ignore[attr-defined]  # the staging directory is gone, OUT as it was
        raise
    return finish(results, out, args, console)


def _batch(args) -> int:
    from .batch import run_batch
    summary, out = run_batch(args)  # a BackportError: main's one line
    counts = {s: sum(1 for j in summary if j["status"] == s) for s in ("complete", "needs-human", "error", "crash")}
    counts["error"] += counts.pop("crash")
    total = sum(j["seconds"] for j in summary)
    print(f"{len(summary)} jobs: {counts['complete']} complete, {counts['needs-human']} need a human, "
          f"{counts['error']} errors; {total:.1f} s in ports; written to {out.path}")
    return EXIT_OK if counts["complete"] == len(summary) else (EXIT_ERROR if counts["error"] else EXIT_NEEDS_HUMAN)


def finish(results: list[PortResult], out: Output, args, console: Console) -> int:
    from .screen import render
    render(results, out.series, str(out.path), console, verbose=getattr(args, "verbose", False),
           quiet=getattr(args, "quiet", False))
    if getattr(args, "review", False):
        from .review import run_review
        run_review(str(out.path), no_color=args.no_color, pager=not args.no_pager)
    if args.command == "demo":
        return EXIT_OK  # the demo's conflicts (5.4, 5.10) are the expected outcome
    from .series import message_hazards  # a message git am would read otherwise is a NEEDS REVIEW item too
    clean = all(r.complete and not message_hazards(r.patch.meta) for r in results)
    return EXIT_OK if clean else EXIT_NEEDS_HUMAN


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
