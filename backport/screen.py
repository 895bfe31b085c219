"""What ``backport port`` prints: what a maintainer reads after a run.

Default: per patch, one row per hunk and target (verdict, where it landed in
the target, why), then the items that need a human (hunks, failed checks, a
target that probably needs no fix, a missing prerequisite), then where each
series was written and how to apply it.  ``-v`` adds the checks, rename
evidence, warnings, history and every Fixes:/stable note (``report``'s
details); ``-q`` prints only the items that need a human.

On a terminal the table fits the terminal's width (the reason column wraps,
subjects are cut with an ellipsis); piped, every row is one line, columns
aligned, never wrapped at a fixed width.
"""
from __future__ import annotations

from rich import box
from rich.console import Console
from rich.table import Table
from rich.text import Text

from .model import PortResult, TargetResult
from .safetext import line as _line  # input text shown as text only (control characters escaped)
from .series import message_hazards, review_items
from .stable import describe, doubts

SUBJECT = 60  # characters of a subject shown in a title
_STYLE = {"exact": "green", "offset": "green", "whitespace": "green", "drifted": "yellow", "renamed": "yellow",
          "relocated": "yellow", "already-applied": "cyan", "conflict": "bold red", "missing": "bold red"}


def cut(text: str, width: int) -> str:
    """``text`` in at most ``width`` characters, an ellipsis where it was cut."""
    text = _line(text)
    return text if len(text) <= width else text[:max(width - 1, 0)].rstrip() + "…"


def render(results: list[PortResult], series: list[dict], out_path: str, console: Console, *,
           verbose: bool = False, quiet: bool = False) -> None:
    """The run as the maintainer reads it (see the module docstring)."""
    if not quiet:
        for n, r in enumerate(results, 1):
            _patch(r, n, len(results), console)
    problems = attention(results, series)
    if problems:
        console.print(Text("needs review:", style="bold red"))
        for item in problems:
            _item(console, "  ", item)
    if verbose:
        _details(results, console)
    if not quiet:
        for s in series:
            _item(console, "", where(s, out_path))


def _item(console: Console, indent: str, text: str) -> None:
    """One item: on a terminal folded to its width under a hanging indent, piped on one line."""
    text = _line(text)
    if not console.is_terminal:
        console.print(Text(indent + text), soft_wrap=True)
        return
    import textwrap
    for part in textwrap.wrap(text, max(console.width - 1, 20), initial_indent=indent, subsequent_indent=indent + "    ",
                              break_long_words=False, break_on_hyphens=False):
        console.print(Text(part), soft_wrap=True)


def attention(results: list[PortResult], series: list[dict]) -> list[str]:
    """Every item that needs a human, one line each, naming the patch and the target."""
    out = []
    several = len(results) > 1
    for n, r in enumerate(results, 1):
        label = f"[{n}/{len(results)}] " if several else ""
        out += [f"{label}mail: {x}" for x in message_hazards(r.patch.meta)]
        for t in r.targets:
            out += [f"{t.target}: {label}{x}" for x in review_items(t)]
            out += [f"{t.target}: {label}{x}" for x in _doubts(t)]
    out += [f"{s['target']}: series not written ({s['skipped']})" for s in series if s.get("skipped")]
    return out


def _doubts(t: TargetResult) -> list[str]:
    return doubts(t)


def where(s: dict, out_path: str) -> str:
    """Where a target's series is and how to apply it."""
    if s.get("skipped"):
        return f"{s['target']}: no series ({s['skipped']})"
    files = s.get("files") or []
    if not files:
        return f"{s['target']}: nothing to send (no hunk placed)"
    folder = f"{out_path.rstrip('/')}/{s['dir']}"
    mbox = s.get("mbox")
    how = f"git am -3 {folder}/{mbox}" if mbox else f"git am -3 {folder}/*.patch"
    count = f"{len(files)} patch{'es' if len(files) != 1 else ''}"
    return f"{s['target']}: {count} in {folder}/ ({how})"


def _patch(r: PortResult, n: int, total: int, console: Console) -> None:
    label = f"[{n}/{total}] " if total > 1 else ""
    subject = r.patch.meta.subject or r.patch.source
    name = r.base or "?"
    base = f"  (base {_line(name[:12] if len(name) == 40 and name.isalnum() else name)})"
    room = min(SUBJECT, console.width - len(label) - len(base)) if console.is_terminal else SUBJECT
    console.print(Text(label + cut(subject, max(room, 20)), style="bold") + Text(base))
    rows = [(t.target, f"{h.path}#{h.index}", h.verdict.value, _at(h), h.reason) for t in r.targets for h in t.hunks]
    if console.is_terminal:
        console.print(_table(rows, console.width))
    else:
        block = Text()  # one print for all rows: a patch of 10,000 hunks is 10,000 rows
        for row in _aligned(rows):
            block.append(row[0])
            block.append(row[1], style=_STYLE.get(row[2], ""))
            block.append(row[3] + "\n")
        block.rstrip()
        console.print(block, soft_wrap=True)


def _at(h) -> str:
    """Where the hunk landed: the target line, with the file when it is another."""
    if h.target is None:
        return "-"
    return str(h.target.start) if h.target.path == h.path else f"{h.target.path}:{h.target.start}"


def _table(rows, width: int) -> Table:
    table = Table(box=box.SIMPLE_HEAD, pad_edge=False, expand=False, show_edge=False)
    rows = [(short_target(r[0]), *r[1:]) for r in rows]
    target_width = min(max([len("target")] + [len(r[0]) for r in rows]), 20)
    table.add_column("target", no_wrap=True, overflow="ellipsis", min_width=target_width, max_width=target_width)
    table.add_column("hunk", overflow="fold", max_width=max(14, width // 4))
    table.add_column("verdict", no_wrap=True)
    table.add_column("at", no_wrap=True, overflow="ellipsis", max_width=max(6, width // 6))
    table.add_column("reason", overflow="fold", ratio=1, min_width=20)
    for target, hunk, verdict, at, reason in rows:
        table.add_row(Text(_line(target)), Text(_line(hunk)), Text(verdict, style=_STYLE.get(verdict, "")),
                      Text(_line(at)), Text(_line(reason)))
    return table


def short_target(name: str) -> str:
    """A target as the table shows it on a terminal: a long ref by its last component (stable/linux-4.19.y ->
    linux-4.19.y), a directory by its name."""
    return name if len(name) <= 20 else name.rstrip("/").rsplit("/", 1)[-1]


def _aligned(rows) -> list[tuple[str, str, str, str]]:
    """Rows as (head, verdict, verdict text, tail) for one unwrapped line each, columns aligned."""
    header = ("target", "hunk", "verdict", "at", "reason")
    cells = [header] + [tuple(_line(x) for x in r) for r in rows]
    widths = [max(len(c[i]) for c in cells) for i in range(4)]
    out = []
    for c in cells:
        head = f"  {c[0]:<{widths[0]}}  {c[1]:<{widths[1]}}  "
        tail = f"  {c[3]:<{widths[3]}}  {c[4]}"
        out.append((head, f"{c[2]:<{widths[2]}}", c[2], tail))
    return [(h, v, key, t) for h, v, key, t in out]


def _details(results: list[PortResult], console: Console) -> None:
    from .report import render_terminal_details
    render_terminal_details(results, console)
    for r in results:
        for pid in r.patch.meta.prerequisites:
            console.print(Text(f"prerequisite-patch-id: {_line(pid)} (the series needs that patch applied first)"),
                          soft_wrap=not console.is_terminal)
        for t in r.targets:
            for x in describe(t):
                console.print(Text(f"{_line(t.target)}: {_line(x)}"), soft_wrap=not console.is_terminal)
