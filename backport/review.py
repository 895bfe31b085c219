"""``backport review OUT``: read ``OUT/report.json`` and walk a reviewer through
every hunk of every target.

Per hunk: verdict and reason, where it sat in the base and where it lands in
the target, the reference hunk and the regenerated hunk side by side (C
syntax highlighting, added/removed lines tinted), the target's own lines for
a hunk that could not be placed, renames with the aligned statements that
taught them, warnings, and the *change to the change*: how the regenerated
hunk differs from the reference one.

That last part: hunks equal but for their line numbers are "the same
change".  Hunks that change the same lines (same context and removed lines)
are compared by ``interdiff`` (patchutils), both put at the same line
numbers.  Hunks regenerated on other context make ``interdiff`` fail or take
"evasive action" (it needs both patches against one tree), so then the two
hunk texts are compared line by line (difflib), the way ``git range-diff``
shows a diff of diffs: the outer column says what the port changed, the
inner one what the patch does.

On a terminal the review is paged with ``less -R`` (``$PAGER`` when set;
``LESS=FRX`` unless ``LESS`` is set) at the terminal's width; piped, it is
plain text.  ``NO_COLOR`` and ``--no-color`` turn colour off.
"""
from __future__ import annotations

import difflib
import io
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
from pathlib import Path

from rich import box
from rich.console import Console
from rich.rule import Rule
from rich.syntax import Syntax
from rich.table import Table
from rich.text import Text

from .encoding import decode, encode
from .errors import BackportError
from .model import HunkResult, PortResult, TargetResult
from .report import _STYLE, SchemaError, load_json
from .safetext import line, text_console, visible

ADDED_BG, REMOVED_BG = "on #0f3319", "on #3f1418"
THEME = "ansi_dark"
TAB = 8  # the kernel's tab width: continuation lines line up as in the tree
QUIET = ("exact", "offset", "whitespace", "already-applied")  # skipped by --attention


class ReviewError(BackportError):
    """The output directory holds no report this version can read."""


def load(path: str) -> tuple[list[PortResult], list[dict]]:
    """The results and series of ``OUT`` (a directory holding report.json) or of a report file."""
    from .inputs import read_input  # a regular file, size-limited
    from .schema import ReportInvalid, parse_report
    file = Path(path) / "report.json" if Path(path).is_dir() else Path(path)
    if not os.path.lexists(file):
        raise ReviewError("no report.json here (is this the -o directory of a backport run?)", source=str(path))
    try:
        doc = parse_report(read_input(str(file), "the report", error=ReviewError))
    except ReportInvalid as err:
        raise ReviewError(f"cannot read the report: {err}", source=str(file)) from None
    try:
        results, _, series = load_json(doc)
    except (SchemaError, KeyError, TypeError, ValueError) as err:
        raise ReviewError(f"{err} (not a backport report this version reads)", source=str(file)) from None
    return results, series


# ---------------------------------------------------------------------------
# the change to the change


def change_diff(h: HunkResult) -> tuple[str, str]:
    """(tool, text): how the regenerated hunk differs from the reference hunk.

    ("same", "") when only the line numbers differ; interdiff when both hunks
    change the same lines (it needs that, and it costs a process); else a
    diff of the two hunk texts.  ("", "") when nothing was regenerated.
    """
    if not h.regenerated or not h.reference:
        return "", ""
    ref, new = _body(h.reference), _body(h.regenerated)
    if ref == new:
        return "same", ""
    def old_side(lines):
        return [ln for ln in lines[1:] if not ln.startswith("+")]
    if old_side(ref) == old_side(new) and shutil.which("interdiff"):
        out = _interdiff(h)
        if out is not None:
            return "interdiff", out
    return "difflib", _diff_of_diffs(h.reference, h.regenerated)


def _body(hunk: str) -> list[str]:
    """The hunk's lines, its @@ line numbers left out (the section heading kept)."""
    return [re.sub(r"^@@ -\S+ \+\S+ @@", "@@", ln) for ln in hunk.rstrip("\n").split("\n")]


def _rehead(hunk: str, start: int) -> str:
    head, _, rest = hunk.partition("\n")
    head = re.sub(r"^@@ -\d+(,\d+)? \+\d+(,\d+)? @@",
                  lambda m: f"@@ -{start}{m.group(1) or ''} +{start}{m.group(2) or ''} @@", head)
    return f"{head}\n{rest}"


def _interdiff(h: HunkResult) -> str | None:
    """interdiff of the two hunks put at the same place, or None when interdiff cannot compare them."""
    with tempfile.TemporaryDirectory(prefix="backport-review-") as tmp:
        files = []
        for name, hunk in (("reference", h.reference), ("regenerated", h.regenerated or "")):
            path = Path(tmp) / name
            path.write_text(f"--- a/{h.path}\n+++ b/{h.path}\n{_rehead(hunk, 1000)}", errors="surrogateescape")
            files.append(str(path))
        try:  # interdiff leaves its scratch files in $TMPDIR: keep them in ours
            run = subprocess.run(["interdiff", "-U3", *files], capture_output=True, timeout=20,
                                 env=dict(os.environ, TMPDIR=tmp))
        except (OSError, subprocess.TimeoutExpired):
            return None
    out = decode(run.stdout)
    if run.returncode != 0 or "evasive action" in out or "!!!!" in out:
        return None
    return out


def _diff_of_diffs(reference: str, regenerated: str) -> str:
    """A range-diff-like comparison of two hunk texts, line numbers left out."""
    lines = list(difflib.unified_diff(_body(reference), _body(regenerated), "reference", "regenerated",
                                      lineterm="", n=2))
    return "\n".join(lines) + "\n" if lines else ""


# ---------------------------------------------------------------------------
# rendering


def hunk_text(hunk: str | None) -> Text:
    """A hunk with its code C-highlighted and its added/removed lines tinted."""
    if not hunk:
        return Text("(none)", style="dim italic")
    lines = visible(hunk).rstrip("\n").split("\n")
    kinds, code = [], []
    for ln in lines:
        if ln.startswith("@@") or ln.startswith("\\"):
            kinds.append(ln)
            code.append("")
        else:
            kinds.append(ln[:1] or " ")
            code.append(ln[1:])
    highlighted = Syntax("", "c", theme=THEME, tab_size=TAB).highlight("\n".join(code)).split("\n")
    out = Text(no_wrap=False, overflow="fold")
    for kind, part in zip(kinds, highlighted):
        if len(kind) > 1:  # @@ header or "\ No newline"
            out.append(kind + "\n", style="cyan" if kind.startswith("@@") else "dim")
            continue
        row = Text(kind, style="bold green" if kind == "+" else "bold red" if kind == "-" else "")
        part.rstrip()
        row.append_text(part)
        if kind in "+-":
            row.stylize(ADDED_BG if kind == "+" else REMOVED_BG)
        out.append_text(row)
        out.append("\n")
    out.rstrip()
    return out


def code_text(text: str) -> Text:
    out = Syntax("", "c", theme=THEME, tab_size=TAB).highlight(visible(text).rstrip("\n"))
    out.rstrip()
    return out


def diff_of_diffs_text(text: str) -> Text:
    out = Text()
    for ln in visible(text).rstrip("\n").split("\n"):
        style = ("bold" if ln.startswith(("---", "+++")) else "cyan" if ln.startswith("@@")
                 else "green" if ln.startswith("+") else "red" if ln.startswith("-") else "")
        out.append(ln + "\n", style=style)
    out.rstrip()
    out.expand_tabs(TAB)
    return out


def _place(p) -> str:
    return line(str(p)) if p else "-"


def sides(left: tuple[str, Text], right: tuple[str, Text], width: int, layout: str = "auto") -> Table:
    """The two texts side by side, or one above the other when a line would not fit half the width
    (``layout``: auto, side, stacked)."""
    longest = max((len(ln) for _, text in (left, right) for ln in text.plain.split("\n")), default=0)
    side = layout == "side" or (layout == "auto" and longest <= (width - 3) // 2 - 2)
    table = Table(box=box.SQUARE, expand=True, show_lines=not side, pad_edge=False)
    if side:
        table.add_column(left[0], ratio=1, overflow="fold")
        table.add_column(right[0], ratio=1, overflow="fold")
        table.add_row(left[1], right[1])
    else:
        table.add_column(overflow="fold")
        table.show_header = False
        for title, text in (left, right):
            table.add_row(Text(title, style="bold"))
            table.add_row(text)
    return table


def render_hunk(result: PortResult, t: TargetResult, h: HunkResult, console: Console, layout: str = "auto") -> None:
    style = _STYLE[h.verdict]
    console.print(Rule(Text.assemble((f"{line(t.target)}  ", "bold"), f"{line(h.path)}#{h.index}  ", (h.verdict.value, style)),
                       style=style if h.verdict.needs_human else "dim", align="left"))
    console.print(Text.assemble(("verdict  ", "dim"), (h.verdict.value, style), "  ", line(h.reason)))
    console.print(Text.assemble(("base     ", "dim"), f"{line(result.base or '?')}  {_place(h.base)}"))
    console.print(Text.assemble(("target   ", "dim"), f"{line(t.target)}  {_place(h.target)}"))
    left = (line(f"reference ({result.base or 'base'})"), hunk_text(h.reference))
    if h.regenerated:
        right = (line(f"regenerated ({t.target})"), hunk_text(h.regenerated))
    elif h.target_text:
        right = (line(f"target text ({t.target}, not placed)"), code_text(h.target_text))
    else:
        right = (line(f"{t.target}: not placed"), Text("(nothing in the target to show)", style="dim italic"))
    console.print(sides(left, right, console.width, layout))
    if h.regenerated and h.target_text:
        console.print(Text("target text shown beside the change:", style="dim"))
        console.print(code_text(h.target_text))
    for n in h.renames:
        console.print(Text.assemble(("renamed  ", "yellow"), (line(n.old), "bold"), " -> ", (line(n.new), "bold")))
        for e in n.evidence:
            console.print(Text("           evidence: " + line(e), style="dim"), overflow="fold")
    for w in h.warnings:
        console.print(Text.assemble(("warning  ", "yellow"), line(w)), overflow="fold")
    tool, diff = change_diff(h)
    if h.regenerated:
        if diff.strip():
            console.print(Text(f"change to the change (reference -> regenerated, {tool}):", style="dim"))
            console.print(diff_of_diffs_text(diff), overflow="fold")
        else:
            console.print(Text("change to the change: none, the same change at other line numbers", style="dim"))
    console.print()


def render_review(results: list[PortResult], series: list[dict], console: Console, *,
                  targets: list[str] | None = None, attention: bool = False, layout: str = "auto") -> int:
    """Everything, target by target; returns the number of hunks shown."""
    shown = 0
    by_target = {s.get("target"): s for s in series}
    for r in results:
        meta = r.patch.meta
        console.print(Rule(Text(line(meta.subject or r.patch.source), style="bold"), characters="═"))
        console.print(Text.assemble(("patch    ", "dim"), line(r.patch.source)))
        console.print(Text.assemble(("author   ", "dim"), line(meta.author or "?"), ("   date ", "dim"), line(meta.date or "?")))
        console.print(Text.assemble(("base     ", "dim"), line(f"{r.base}" + (f" ({r.base_commit[:12]})" if r.base_commit else ""))))
        for x in r.repairs:
            console.print(Text(f"repaired {line(x.path)}#{x.hunk}: {x.restored} line(s) restored from the base, "
                               f"{x.reindented} re-indented, header off by {x.moved_by:+d}", style="dim"))
        console.print()
        for t in r.targets:
            if targets and t.target not in targets:
                continue
            _target_head(t, by_target.get(t.target), console)
            for h in t.hunks:
                if attention and not h.warnings and h.verdict.value in QUIET:
                    continue
                render_hunk(r, t, h, console, layout)
                shown += 1
    return shown


def _target_head(t: TargetResult, series: dict | None, console: Console) -> None:
    style = _STYLE[t.verdict]
    console.print(Rule(Text.assemble(("target ", "bold"), (line(t.target), "bold"),
                                     line(f" ({t.commit[:12]})") if t.commit else "", "  worst verdict ",
                                     (t.verdict.value, style)), characters="━", style=style))
    for c in t.checks:
        console.print(Text.assemble(("check    ", "dim"), (("ok     " if c.ok else "FAILED "), "green" if c.ok else "bold red"),
                                    line(f"{c.name}: {c.detail}")), overflow="fold")
    if series:
        if series.get("skipped"):
            console.print(Text(line(f"series   not written: {series['skipped']}"), style="bold red"))
        else:
            names = ([series["cover_letter"]] if series.get("cover_letter") else []) + series.get("files", [])
            console.print(Text.assemble(("series   ", "dim"), line(f"{series.get('dir')}/: " + (", ".join(names) or "nothing"))))
    for item in t.history:
        console.print(Text.assemble(("history  ", "dim"), line(item)))
    console.print()


# ---------------------------------------------------------------------------
# the command


def color_wanted(no_color: bool, stream=None) -> bool:
    stream = stream or sys.stdout
    return not no_color and not os.environ.get("NO_COLOR") and stream.isatty()


def run_review(path: str, *, no_color: bool = False, pager: bool = True, width: int | None = None,
               targets: list[str] | None = None, attention: bool = False, layout: str = "auto",
               stream=None) -> int:
    stream = stream or sys.stdout
    results, series = load(path)
    tty = stream.isatty()
    color = color_wanted(no_color, stream)
    if width is None:
        width = shutil.get_terminal_size((120, 24)).columns if tty else int(os.environ.get("COLUMNS") or 120)
    buffer = io.StringIO()
    console = text_console(file=buffer, force_terminal=color, no_color=not color, width=width, highlight=False,
                      color_system="auto" if color else None, legacy_windows=False)
    shown = render_review(results, series, console, targets=targets, attention=attention, layout=layout)
    if not shown:
        console.print(Text(line("nothing to review" + (" for " + ", ".join(targets) if targets else ""))))
    text = buffer.getvalue()
    if tty and pager:
        page(text)
    else:
        try:
            stream.write(text)
            stream.flush()
        except BrokenPipeError:  # `backport review OUT | head`
            _quiet_stdout()
    return 0


def page(text: str) -> None:
    """Show ``text`` through ``$PAGER`` or ``less -R`` (LESS=FRX unless set), as git does."""
    env = dict(os.environ)
    env.setdefault("LESS", "FRX")
    command = os.environ.get("PAGER") or ("less -R" if shutil.which("less") else "")
    if command.strip() in ("", "cat"):
        sys.stdout.write(text)
        return
    ending = {signal.SIGTERM, signal.SIGHUP}
    mask = signal.pthread_sigmask(signal.SIG_BLOCK, ending)  # held while the pager starts, so a
    try:  # SIGTERM then cannot leave a pager that this run does not know of yet
        proc = subprocess.Popen(command, shell=True, stdin=subprocess.PIPE, env=env,
                                preexec_fn=lambda: signal.pthread_sigmask(signal.SIG_SETMASK, mask))
    except OSError:
        signal.pthread_sigmask(signal.SIG_SETMASK, mask)
        sys.stdout.write(text)
        return
    try:
        signal.pthread_sigmask(signal.SIG_SETMASK, mask)  # one that came meanwhile is raised here
        _feed(proc, encode(text))
        _wait_for_pager(proc)
    except KeyboardInterrupt as err:  # SIGTERM or SIGHUP (a plain ^C is the pager's to handle)
        _end_pager(proc, getattr(err, "signum", signal.SIGTERM))
        raise


def _feed(proc: subprocess.Popen, data: bytes) -> None:
    """The review into the pager's standard input; a reader that quit early is not an error."""
    assert proc.stdin is not None  # stdin=PIPE
    try:
        proc.stdin.write(data)
    except BrokenPipeError:
        pass
    except KeyboardInterrupt as err:
        if getattr(err, "signum", None) is not None:
            raise
    try:
        proc.stdin.close()
    except BrokenPipeError:
        pass


def _wait_for_pager(proc: subprocess.Popen) -> None:
    """^C belongs to the pager (less handles it): keep waiting.  SIGTERM or SIGHUP (raised here as a
    KeyboardInterrupt carrying ``signum``) goes up to page(), which passes it on to the pager."""
    while True:
        try:
            proc.wait()
            return
        except KeyboardInterrupt as err:
            if getattr(err, "signum", None) is not None:
                raise


def _end_pager(proc: subprocess.Popen, signum: int) -> None:
    """The signal that ends this run ends the pager too, waited for briefly so the terminal is
    given back before the one-line message."""
    proc.send_signal(signum)
    try:
        proc.wait(timeout=5)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


def _quiet_stdout() -> None:
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())
