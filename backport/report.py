"""The report stage: one PortResult rendered for a terminal (rich), as
Markdown, and as JSON.

JSON schema 1 (``OUT/report.json``, ``--json FILE|-``)
-------------------------------------------------------

Versioning: ``"schema"`` is an integer.  Within one version fields are only
ever added, never renamed, removed or given another meaning; readers must
ignore fields they do not know.  Any other change bumps the number, and
``load_json`` refuses a number it does not know.  Line numbers are 1-based;
texts are unified-diff text, newline-terminated; null means "not known" or
"not placed".  ::

    {
      "schema": 1,
      "tool": "backport 0.1.0",                  # the version that wrote it
      "patches": [                               # one per reference patch (mbox message), input order
        {
          "source": "fix.patch",                 # file name as given, or "<stdin>"
          "subject": "mm: ...",                  # without [PATCH] and Re:
          "author": "Name <mail>",               # as the source gave it (maybe a name only)
          "date": "...",                         # as the source gave it
          "upstream": "sha" | null,              # upstream commit named by the body
          "message_id": "..." | null,
          "body": "...",                         # commit message body, trailers included
          "base": "v4.9.117",                    # the base as given or derived
          "base_commit": "sha" | null,
          "prerequisites": ["patch-id"],         # prerequisite-patch-id: lines (cover letter or first message)
          "repairs": [{"path", "hunk", "restored", "reindented", "moved_by"}],
          "reference_diff": "diff --git ...",    # the reference patch after repair against the base
          "complete": true,                      # every target complete
          "targets": [                           # command-line order
            {
              "target": "v4.14",                 # as given
              "commit": "sha" | null,            # for a git ref
              "verdict": "renamed",              # the worst hunk verdict
              "complete": true,                  # no hunk needs a human and every check passed
              "patch_file": "OUT/v4.14/0001-...patch" | null,   # null: not written
              "checks": [{"name", "ok", "detail"}],            # git apply --check, re-parse, ...
              "history": ["..."],                # commits that touched the functions
              "fixes": [                         # Fixes: trailers of the patch, seen from this target
                {"commit": "abc123def456",       # as the trailer names it
                 "subject": "...",
                 "resolved": "sha" | null,       # the full id; null: the repository does not hold it
                 "in_target": true | false | null,   # the target contains it (or a backport naming it);
                                                 # false: the target probably needs no fix; null: not known
                 "in_series": 1 | null}          # it is patch N of this series
              ],
              "stable": [                        # Cc: stable@vger.kernel.org # ... lines
                {"text": "5.10.x: a1f84a3: subject",  # after the '#'
                 "version": "5.10" | null,       # oldest series that needs the fix
                 "prerequisite": "a1f84a3" | null, "subject": "...",
                 "target_version": "4.19.y" | null,   # the target's series, from its name
                 "needed": true | false | null,  # the target is that series or later
                 "in_target": true | false | null}    # the prerequisite is in the target
              ],
              "diff": "diff --git ...",          # the regenerated patch, "" when nothing placed
              "hunks": [                         # reference order
                {
                  "path": "mm/vmscan.c",         # base path
                  "index": 1,                    # 1-based within the file in the reference patch
                  "verdict": "exact|offset|whitespace|drifted|renamed|relocated|already-applied|conflict|missing",
                  "clean": true,                 # the tool claims the regenerated hunk is right
                  "needs_human": false,          # conflict or missing
                  "reason": "...",               # one line
                  "base": {"path", "function", "start", "end"} | null,
                  "target": {"path", "function", "start", "end"} | null,
                  "renames": [{"old", "new", "evidence": ["base:line `stmt` -> target:line `stmt`"]}],
                  "warnings": ["..."],
                  "reference": "@@ ...",         # the reference hunk (after repair)
                  "regenerated": "@@ ..." | null, # the hunk written for the target
                  "target_text": "..." | null    # target lines shown beside a conflict / drifted removal
                }
              ]
            }
          ]
        }
      ],
      "series": [                                # one per target: what OUT/<dir>/ holds
        {
          "target": "v4.14",
          "dir": "v4.14",                        # directory name under OUT
          "files": ["0001-...patch"],            # the mails, in order
          "cover_letter": "0000-cover-letter.patch" | null,   # when more than one mail
          "skipped": "--no-partial: ..." | null, # why no series was written
          "mbox": "v4.14.mbx" | null             # the whole series in one file for git am -3 (no cover letter)
        }
      ]
    }
"""
from __future__ import annotations

import dataclasses
import json
import re

from rich.console import Console
from rich.table import Table
from rich.text import Text

from . import __version__
from .encoding import encode
from .model import (
    Check,
    FixesCheck,
    HunkResult,
    Patch,
    PatchMeta,
    Place,
    PortResult,
    Rename,
    Repair,
    StableHint,
    TargetResult,
    Verdict,
    diff_text,
)
from .safetext import line, visible

SCHEMA = 1
_STYLE = {
    Verdict.EXACT: "green", Verdict.OFFSET: "green", Verdict.WHITESPACE: "green",
    Verdict.DRIFTED: "yellow", Verdict.RENAMED: "yellow", Verdict.RELOCATED: "yellow",
    Verdict.ALREADY_APPLIED: "cyan", Verdict.CONFLICT: "bold red", Verdict.MISSING: "bold red",
}


def to_json(results: list[PortResult], files: dict[tuple[int, str], str] | None = None,
            series: list[dict] | None = None) -> dict:
    """The JSON document: {"schema": 1, "tool": ..., "patches": [...], "series": [...]}."""
    files = files or {}
    return {"schema": SCHEMA, "tool": f"backport {__version__}",
            "patches": [_patch_json(i, r, files) for i, r in enumerate(results)],
            "series": list(series or [])}


def _patch_json(i: int, r: PortResult, files) -> dict:
    meta = r.patch.meta
    return {
        "source": r.patch.source, "subject": meta.subject, "author": meta.author, "date": meta.date,
        "upstream": meta.upstream, "message_id": meta.message_id, "body": meta.body,
        "base": r.base, "base_commit": r.base_commit, "prerequisites": list(meta.prerequisites),
        "repairs": [{"path": x.path, "hunk": x.hunk, "restored": x.restored, "reindented": x.reindented,
                     "moved_by": x.moved_by} for x in r.repairs],
        "reference_diff": diff_text(r.repaired.files),
        "complete": r.complete,
        "targets": [_target_json(t, files.get((i, t.target))) for t in r.targets],
    }


def _target_json(t: TargetResult, patch_file: str | None) -> dict:
    return {
        "target": t.target, "commit": t.commit, "verdict": t.verdict.value, "complete": t.complete,
        "patch_file": patch_file,
        "checks": [{"name": c.name, "ok": c.ok, "detail": c.detail} for c in t.checks],
        "history": list(t.history),
        "fixes": [dataclasses.asdict(f) for f in t.fixes],
        "stable": [dataclasses.asdict(s) for s in t.stable],
        "diff": t.diff,
        "hunks": [{
            "path": h.path, "index": h.index, "verdict": h.verdict.value, "clean": h.verdict.clean,
            "needs_human": h.verdict.needs_human, "reason": h.reason,
            "base": _place(h.base), "target": _place(h.target),
            "renames": [{"old": n.old, "new": n.new, "evidence": list(n.evidence)} for n in h.renames],
            "warnings": list(h.warnings), "reference": h.reference, "regenerated": h.regenerated,
            "target_text": h.target_text,
        } for h in t.hunks],
    }


def _place(p) -> dict | None:
    return None if p is None else {"path": p.path, "function": p.function, "start": p.start, "end": p.end}


def dump_json(results, files=None, series=None) -> str:
    return indented_json(to_json(results, files, series)) + "\n"


_ONE_LINE = json.JSONEncoder(separators=(", ", ": "))  # json's C encoder (it has no indenting)
_DEPTH = 6  # document, patches, patch, targets, target, hunks: a hunk and what it holds is one line


def indented_json(value, depth: int = 0) -> str:
    """JSON indented by two spaces down to ``_DEPTH`` levels, each value below on one line.  The
    standard library indents only in pure Python, seconds for a report of 10,000 hunks."""
    if depth >= _DEPTH or not value or not isinstance(value, dict | list):
        return _ONE_LINE.encode(value)
    pad = "\n" + "  " * (depth + 1)
    if isinstance(value, dict):
        items = [f"{_ONE_LINE.encode(k)}: {indented_json(v, depth + 1)}" for k, v in value.items()]
    else:
        items = [indented_json(v, depth + 1) for v in value]
    return ("{" if isinstance(value, dict) else "[") + pad + ("," + pad).join(items) + "\n" + "  " * depth + \
        ("}" if isinstance(value, dict) else "]")


class SchemaError(ValueError):
    """A report this version cannot read."""


def load_json(doc: object) -> tuple[list[PortResult], dict[tuple[int, str], str], list[dict]]:
    """The results of a report.json back as model objects (the inverse of ``to_json``).

    Returns (results, patch files by (patch index, target), series).  A
    ``schema`` other than 1 is refused; unknown fields are ignored.
    """
    from .schema import ReportInvalid, validate
    if not isinstance(doc, dict) or doc.get("schema") != SCHEMA or isinstance(doc.get("schema"), bool):
        found = doc.get("schema") if isinstance(doc, dict) else None
        raise SchemaError(f"report schema {_short(found)} is not {SCHEMA}")
    try:
        validate(doc)  # every field this version reads has its documented type
    except ReportInvalid as err:
        raise SchemaError(str(err)) from None
    results: list[PortResult] = []
    files: dict[tuple[int, str], str] = {}
    for i, p in enumerate(doc.get("patches", [])):
        results.append(_load_patch(p, i, files))
    return results, files, list(doc.get("series", []))


def _load_patch(p: dict, i: int, files: dict[tuple[int, str], str]) -> PortResult:
    """One patch of a report; the patch files of its targets go into ``files``."""
    meta = PatchMeta(author=p.get("author") or "", date=p.get("date") or "", subject=p.get("subject") or "",
                     body=p.get("body") or "", upstream=p.get("upstream"), message_id=p.get("message_id"),
                     prerequisites=_strings(p.get("prerequisites")))
    patch = Patch(meta=meta, files=(), source=p.get("source") or "")
    repaired = Patch(meta=meta, files=_files(p.get("reference_diff") or "", patch.source), source=patch.source)
    targets = []
    for t in p.get("targets", []):
        if t.get("patch_file"):
            files[(i, t["target"])] = t["patch_file"]
        targets.append(_load_target(t))
    return PortResult(patch=patch, base=p.get("base"), base_commit=p.get("base_commit"),
                      repairs=tuple(Repair(x["path"], x["hunk"], x["restored"], x["reindented"],
                                           x["moved_by"]) for x in p.get("repairs", [])),
                      repaired=repaired, targets=tuple(targets))


def _load_target(t: dict) -> TargetResult:
    return TargetResult(
        target=t["target"], commit=t.get("commit"), diff=t.get("diff") or "",
        checks=tuple(Check(c["name"], c["ok"], c.get("detail") or "") for c in t.get("checks", [])),
        history=tuple(t.get("history", [])),
        fixes=_loaded(FixesCheck, t.get("fixes")), stable=_loaded(StableHint, t.get("stable")),
        hunks=tuple(_load_hunk(h) for h in t.get("hunks", [])))


def _load_hunk(h: dict) -> HunkResult:
    return HunkResult(
        path=h["path"], index=h["index"], verdict=Verdict(h["verdict"]), reason=h.get("reason", ""),
        base=_load_place(h.get("base")), target=_load_place(h.get("target")),
        reference=h.get("reference") or "", regenerated=h.get("regenerated"),
        target_text=h.get("target_text"),
        renames=tuple(Rename(n["old"], n["new"], tuple(n.get("evidence", []))) for n in h.get("renames", [])),
        warnings=tuple(h.get("warnings", [])))


def _short(value) -> str:
    """A value from a report, at most 40 characters of it, for a message."""
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


def _strings(items) -> tuple[str, ...]:
    return tuple(x for x in items if isinstance(x, str)) if isinstance(items, list) else ()


_TYPES: dict[object, tuple[type, ...]] = {"str": (str,), "str | None": (str, type(None)), "bool | None": (bool, type(None)),
          "int | None": (int, type(None))}


def _loaded(cls, items) -> tuple:
    """The entries of a list of ``cls`` fields that have every field with its type (others skipped)."""
    fields = dataclasses.fields(cls)
    out = []
    for x in items if isinstance(items, list) else []:
        values = {f.name: x.get(f.name) for f in fields} if isinstance(x, dict) else None
        if values and all(isinstance(values[f.name], _TYPES.get(f.type, (object,)))
                          and not (f.type == "int | None" and isinstance(values[f.name], bool)) for f in fields):
            out.append(cls(**values))
    return tuple(out)


def _load_place(p: dict | None) -> Place | None:
    return None if p is None else Place(p["path"], p.get("function"), p["start"], p["end"])


def _files(diff: str, source: str) -> tuple:
    if not diff:
        return ()
    from .errors import BackportError
    from .ingest import parse_patches
    try:
        patches = parse_patches(encode(diff), source)
    except BackportError:
        return ()
    return patches[0].files if patches else ()


# ---------------------------------------------------------------------------
# terminal


def summary_table(results: list[PortResult]) -> Table:
    """One row per hunk and target: verdict, where it landed, why (input text shown as text only)."""
    several = len(results) > 1
    table = Table(title="backport", show_lines=False, expand=False)
    for col in (["patch"] if several else []) + ["target", "hunk", "verdict", "target place", "reason"]:
        table.add_column(col, overflow="fold", no_wrap=col != "reason")
    for r in results:
        for t in r.targets:
            for h in t.hunks:
                where = f"{h.target.path}:{h.target.start}" if h.target else "-"
                row = [_plain(t.target), _plain(f"{h.path}#{h.index}"), Text(h.verdict.value, style=_STYLE[h.verdict]),
                       _plain(where), _plain(h.reason)]
                table.add_row(*([_plain(r.patch.meta.subject[:30] or r.patch.source)] if several else []), *row)
    return table


def _plain(text: str, style: str = "") -> Text:
    """Input-derived text for the terminal: never markup, control characters shown escaped."""
    return Text(line(text), style=style)


def render_terminal(results: list[PortResult], console: Console) -> None:
    console.print(summary_table(results))
    render_terminal_details(results, console)


def render_terminal_details(results: list[PortResult], console: Console) -> None:
    """Repairs, checks, renames with their evidence, warnings and history (``port -v``)."""
    for r in results:
        for x in r.repairs:
            console.print(_plain(f"repaired {x.path}#{x.hunk}: {x.restored} line(s) restored from the base, "
                                 f"{x.reindented} added line(s) re-indented, header off by {x.moved_by:+d}"))
        for t in r.targets:
            _target_details(t, console)


def _target_details(t: TargetResult, console: Console) -> None:
    for c in t.checks:
        mark = Text("ok", style="green") if c.ok else Text("FAILED", style="bold red")
        console.print(Text.assemble(_plain(f"{t.target}: {c.name}: "), mark, _plain(f" {c.detail}")))
    for h in t.hunks:
        for n in h.renames:
            console.print(_plain(f"{t.target} {h.path}#{h.index}: renamed {n.old} -> {n.new}"))
            for e in n.evidence[:3]:
                console.print(_plain(f"    evidence: {e}"))
        for w in h.warnings:
            console.print(Text.assemble(_plain(f"{t.target} {h.path}#{h.index}: "), Text("warning", style="yellow"),
                                        _plain(f": {w}")))
    for item in t.history:
        console.print(_plain(f"{t.target}: history: {item}"))


# ---------------------------------------------------------------------------
# Markdown


def render_markdown(results: list[PortResult]) -> str:
    """The report as Markdown; input text is escaped so that it renders as text, never as markup."""
    out = ["# backport report", ""]
    for r in results:
        out += [f"## {_md(r.patch.meta.subject or r.patch.source)}", "",
                f"base: {_code(r.base or '?')}" + (f" ({_md(r.base_commit[:12])})" if r.base_commit else ""), ""]
        for x in r.repairs:
            out.append(f"- repaired {_md(x.path)}#{x.hunk}: {x.restored} restored, {x.reindented} re-indented")
        out += ["", "| target | hunk | verdict | where | reason |", "|---|---|---|---|---|"]
        for t in r.targets:
            for h in t.hunks:
                out.append(f"| {_md(t.target)} | {_md(h.path)}#{h.index} | {h.verdict.value} | "
                           f"{_md(str(h.target or '-'))} | {_md(h.reason)} |")
        out.append("")
        for t in r.targets:
            out += _markdown_target(t)
    return "\n".join(out) + "\n"


def _markdown_target(t: TargetResult) -> list[str]:
    out = [f"### {_md(t.target)}", ""]
    out += [f"- {_md(c.name)}: {'ok' if c.ok else 'FAILED'} ({_md(c.detail)})" for c in t.checks]
    out += [f"- {_md(x)}" for x in _stable_notes(t)]
    if t.history:
        out += ["", "History (commits that changed the touched functions):", ""]
        out += [f"- {_md(item)}" for item in t.history]
    for h in t.hunks:
        out += ["", f"#### {_md(h.path)}#{h.index}: {h.verdict.value}", "", _md(h.reason), ""]
        out += [f"- renamed {_code(n.old)} -> {_code(n.new)}: " + "; ".join(_md(e) for e in n.evidence)
                for n in h.renames]
        out += [f"- warning: {_md(w)}" for w in h.warnings]
        if h.regenerated:
            out += ["", *_fenced(h.regenerated.rstrip("\n"), "diff")]
        if h.target_text:
            out += ["", "target text:", "", *_fenced(h.target_text, "c")]
    return out + [""]


def _stable_notes(t: TargetResult) -> list[str]:
    from .stable import describe
    return describe(t)


# Characters that start Markdown (CommonMark/GFM) markup anywhere in a line, and
# an underscore that can open or close emphasis (``__init__``, not ``swap_free``).
_MD_SPECIAL = re.compile(r"[\\`*\[\]<|&]|(?<![A-Za-z0-9])_|_(?![A-Za-z0-9])")


def _md(text: str) -> str:
    """Input text as one line of Markdown prose that renders literally."""
    escaped = _MD_SPECIAL.sub(lambda m: "\\" + m.group(0), line(text))
    return "\\" + escaped if escaped[:1] in ("#", "-", "+", "=", ">") else escaped


def _code(text: str) -> str:
    """Input text as an inline code span (backticks inside cannot end it)."""
    text = line(text)
    ticks = "`" * (max((len(run) for run in re.findall("`+", text)), default=0) + 1)
    pad = " " if text.startswith("`") or text.endswith("`") else ""
    return f"{ticks}{pad}{text}{pad}{ticks}"


def _fenced(text: str, lang: str) -> list[str]:
    """A fenced code block that no line of ``text`` can close early."""
    longest = max((len(run) for run in re.findall("`{3,}", text)), default=0)
    fence = "`" * max(3, longest + 1)
    return [fence + lang, visible(text), fence]
