"""The renderers against golden files, and the JSON schema.

The golden inputs are a fixed PortResult: ``tests/golden/demo-report.json``, the
report of the seed patch ported from v4.9.117 to v4.14 (clean), v5.4 (a
conflict that was placed) and v5.10 (a conflict left out), temporary paths
normalised.  It is read back with ``report.load_json`` and rendered as
Markdown, JSON, terminal table (rich, 120 columns) and review (plain, 120
columns); each rendering must equal its golden file byte for byte.  The
renderers are tested here, not the pipeline: a pipeline change does not
touch these files.  To regenerate all of them from a fresh demo run:

    BACKPORT_UPDATE_GOLDEN=1 python3 -m pytest tests/test_report.py
"""
import io
import json
import os
import re
from pathlib import Path

import pytest
from rich.console import Console

from backport import review
from backport.cli import main
from backport.report import (
    SCHEMA,
    SchemaError,
    dump_json,
    indented_json,
    load_json,
    render_markdown,
    render_terminal,
    to_json,
)
from conftest import ROOT, SEED

GOLDEN = Path(__file__).parent / "golden"
FIXTURE = GOLDEN / "demo-report.json"
UPDATE = bool(os.environ.get("BACKPORT_UPDATE_GOLDEN"))
TARGETS = ["v4.14", "v5.4", "v5.10"]


def live_report(repo: Path, out: Path) -> dict:
    argv = ["port", str(SEED), "--repo", str(repo), "--base", "v4.9.117", "-o", str(out), "--no-color"]
    for t in TARGETS:
        argv += ["--to", t]
    main(argv)
    return json.loads((out / "report.json").read_text())


def normalised(doc: dict, out: Path) -> dict:
    text = json.dumps(doc)
    text = text.replace(str(ROOT) + "/", "").replace(str(out), "OUT")
    return json.loads(text)


@pytest.fixture(scope="module")
def fixed(demo_repo, tmp_path_factory):
    """The fixed report (regenerated from a demo run with BACKPORT_UPDATE_GOLDEN=1)."""
    if UPDATE:
        out = tmp_path_factory.mktemp("golden") / "out"
        GOLDEN.mkdir(exist_ok=True)
        FIXTURE.write_text(indented_json(normalised(live_report(demo_repo[0], out), out)) + "\n")
    return json.loads(FIXTURE.read_text())


def check_golden(name: str, text: str) -> None:
    path = GOLDEN / name
    if UPDATE:
        path.write_text(text)
    assert text == path.read_text(), f"{name} differs from its golden file (see this test's docstring)"


def test_json_golden_round_trip(fixed):
    results, files, series = load_json(fixed)
    assert dump_json(results, files, series) == FIXTURE.read_text()


def test_markdown_golden(fixed):
    results, _, _ = load_json(fixed)
    check_golden("demo.md", render_markdown(results))


def test_terminal_golden(fixed):
    results, _, _ = load_json(fixed)
    console = Console(width=120, record=True, color_system=None, file=io.StringIO())
    render_terminal(results, console)
    check_golden("demo-terminal.txt", console.export_text())


def test_terminal_colours_verdicts(fixed):
    results, _, _ = load_json(fixed)
    console = Console(width=120, record=True, force_terminal=True, color_system="standard", file=io.StringIO())
    render_terminal(results, console)
    styled = console.export_text(styles=True)
    assert "\x1b[1;31mconflict" in styled and "\x1b[33mrenamed" in styled and "\x1b[32moffset" in styled


def test_review_golden(fixed, monkeypatch):
    monkeypatch.setattr(review.shutil, "which", lambda name: None)  # the same output with or without patchutils
    results, _, series = load_json(fixed)
    console = Console(width=120, record=True, color_system=None, file=io.StringIO())
    review.render_review(results, series, console)
    check_golden("demo-review.txt", console.export_text())


# ---------------------------------------------------------------------------
# the schema

TOP = {"schema", "tool", "patches", "series"}
PATCH = {"source", "subject", "author", "date", "upstream", "message_id", "body", "base", "base_commit", "prerequisites", "repairs",
         "reference_diff", "complete", "targets"}
TARGET = {"target", "commit", "verdict", "complete", "patch_file", "checks", "history", "fixes", "stable", "diff",
          "hunks"}
HUNK = {"path", "index", "verdict", "clean", "needs_human", "reason", "base", "target", "renames", "warnings",
        "reference", "regenerated", "target_text"}
SERIES = {"target", "dir", "files", "cover_letter", "skipped", "mbox"}


def shape_errors(doc: dict) -> list[str]:
    errors = []
    def want(what, obj, keys):
        return errors.append(f"{what}: {sorted(set(obj) ^ keys)}") if set(obj) != keys else None
    want("top", doc, TOP)
    for p in doc["patches"]:
        want("patch", p, PATCH)
        for t in p["targets"]:
            want("target", t, TARGET)
            for h in t["hunks"]:
                want("hunk", h, HUNK)
    for s in doc["series"]:
        want("series", s, SERIES)
    return errors


def test_documented_schema_is_what_is_written(fixed, demo_repo, tmp_path):
    """The fields listed in report.py's docstring are exactly the fields written, live and golden."""
    import backport.report as report
    documented = set(re.findall(r'^\s+"?(\w+)"?\s*:', report.__doc__, re.M))
    live = live_report(demo_repo[0], tmp_path / "out")
    for doc in (fixed, live):
        assert doc["schema"] == SCHEMA == 1
        assert shape_errors(doc) == []
    assert documented | {"schema"} >= TOP | PATCH | TARGET | HUNK | SERIES


def test_live_report_round_trips(demo_repo, tmp_path):
    doc = live_report(demo_repo[0], tmp_path / "out")
    assert to_json(*load_json(doc)) == doc


def test_other_schema_is_refused():
    with pytest.raises(SchemaError):
        load_json({"schema": 2, "patches": []})
