"""``backport review OUT`` as a person meets it: in a pseudo-terminal (paged by less, colour,
terminal width), piped (plain), with NO_COLOR / --no-color; and ``port --review``."""
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from backport.cli import main
from backport.model import HunkResult, Verdict
from backport.review import change_diff
from conftest import SEED

pexpect = pytest.importorskip("pexpect")

FIXTURE = Path(__file__).parent / "golden" / "demo-report.json"
CMD = [sys.executable, "-m", "backport.cli", "review"]
ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]|\x1b[=>]|\r")


def colours(text: str) -> set[str]:
    """The SGR colour parameters (30-37, 38, 40-47, 48, 90-97, 100-107) used in ``text``."""
    found = set()
    for params in re.findall(r"\x1b\[([0-9;]*)m", text):
        for p in params.split(";"):
            if p.isdigit() and (30 <= int(p) <= 49 or 90 <= int(p) <= 107):
                found.add(p)
    return found


@pytest.fixture
def out(tmp_path):
    folder = tmp_path / "out"
    folder.mkdir()
    shutil.copy(FIXTURE, folder / "report.json")
    return folder


def env(**extra):
    base = {k: v for k, v in os.environ.items() if k not in ("NO_COLOR", "PAGER", "LESS", "COLUMNS", "LINES")}
    base.update(TERM="xterm-256color", **extra)
    return base


def spawn(args, **extra):
    child = pexpect.spawn(CMD[0], CMD[1:] + args, env=env(**extra), dimensions=(30, 100), encoding="utf-8",
                          timeout=20)
    return child


def test_piped_is_plain_and_120_columns(out):
    run = subprocess.run(CMD + [str(out)], capture_output=True, text=True, env=env())
    assert run.returncode == 0, run.stderr
    assert "\x1b" not in run.stdout
    assert "v5.4  mm/swap_state.c#2  conflict" in run.stdout
    assert max(len(ln) for ln in run.stdout.splitlines()) == 120
    assert "renamed  swapcache_free -> put_swap_page" in run.stdout
    assert "evidence: mm/swap_state.c:233 `swapcache_free(entry);`" in run.stdout
    assert "change to the change" in run.stdout


@pytest.mark.skipif(not shutil.which("less"), reason="less is not installed")
def test_terminal_pages_with_less_in_colour(out):
    child = spawn([str(out)])
    child.expect("mm: disable preemption before swapcache_free")
    child.expect(r"\r\n:\x1b\[K")  # less's prompt: the review is longer than 30 lines
    first_screen = child.before
    assert child.isalive()  # waiting for the reader
    child.send("/v5.10  mm/swap_state.c#2\r")  # search, as a person would
    child.expect("conflict")
    child.send("q")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0
    assert colours(first_screen), "no colour on a terminal"


def test_terminal_fits_its_width_without_pager(out):
    child = spawn([str(out), "--no-pager"])
    child.expect(pexpect.EOF)
    child.close()
    text = child.before
    assert child.exitstatus == 0 and colours(text)
    plain = ANSI.sub("", text)
    assert max(len(ln) for ln in plain.split("\n")) <= 100
    assert "regenerated (v4.14)" in plain or "regenerated (v4.14)" in plain.replace("\n", " ")


@pytest.mark.parametrize("args, extra", [(["--no-color"], {}), ([], {"NO_COLOR": "1"})])
def test_no_color(out, args, extra):
    child = spawn([str(out), "--no-pager", *args], **extra)
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0
    assert colours(child.before) == set()
    assert "v5.10  mm/swap_state.c#2  conflict" in ANSI.sub("", child.before)


def test_target_and_attention_filters(out):
    run = subprocess.run(CMD + [str(out), "--target", "v5.10", "--attention"], capture_output=True, text=True,
                         env=env())
    assert run.returncode == 0
    shown = re.findall(r"^(v[\d.]+)  (\S+)  (\S+) ─", run.stdout, re.M)
    assert ("v5.10", "mm/swap_state.c#2", "conflict") in shown
    assert all(t == "v5.10" and v not in ("offset", "exact") for t, _, v in shown)


def test_not_an_output_directory_is_one_line_error(tmp_path):
    run = subprocess.run(CMD + [str(tmp_path)], capture_output=True, text=True, env=env())
    assert run.returncode == 2
    assert "no report.json here" in run.stderr and len(run.stderr.strip().splitlines()) == 1
    (tmp_path / "report.json").write_text(json.dumps({"schema": 99}))
    run = subprocess.run(CMD + [str(tmp_path)], capture_output=True, text=True, env=env())
    assert run.returncode == 2 and "schema 99 is not 1" in run.stderr


def test_port_review(demo_repo, tmp_path, capsys):
    repo, _ = demo_repo
    rc = main(["port", str(SEED), "--repo", str(repo), "--base", "v4.9.117", "--to", "v4.14", "-o",
               str(tmp_path / "o"), "--no-color", "--review"])
    assert rc == 0
    text = capsys.readouterr().out
    assert text.index("v4.14: 1 patch in ") < text.index("v4.14  mm/vmscan.c#1  renamed")  # the run, then the review


def _hunk(reference, regenerated, verdict=Verdict.OFFSET):
    return HunkResult("a.c", 1, verdict, "", None, None, reference, regenerated)


def test_change_to_the_change():
    ref = "@@ -10,3 +10,4 @@ int f(void)\n a();\n+b();\n c();\n"
    moved = "@@ -50,3 +50,4 @@ int f(void)\n a();\n+b();\n c();\n"
    renamed = "@@ -50,3 +50,4 @@ int f(void)\n a();\n+bb();\n c();\n"
    tool, text = change_diff(_hunk(ref, moved))
    assert (tool, text) == ("same", "")
    tool, text = change_diff(_hunk(ref, renamed, Verdict.RENAMED))
    if tool == "interdiff":  # the difference between the two results
        assert "-b();\n+bb();\n" in text
    else:  # a diff of the two hunks: outer column the port, inner column the patch
        assert "-+b();\n++bb();\n" in text
    monkey = change_diff.__globals__["shutil"]
    which, monkey.which = monkey.which, lambda name: None
    try:
        assert change_diff(_hunk(ref, renamed, Verdict.RENAMED)) == ("difflib", "--- reference\n+++ regenerated\n"
                                                                    "@@ -1,4 +1,4 @@\n @@ int f(void)\n  a();\n-+b();\n++bb();\n  c();\n")
    finally:
        monkey.which = which
    assert change_diff(_hunk(ref, None, Verdict.MISSING)) == ("", "")


def test_sigterm_while_paging_ends_the_pager_and_the_run(out, tmp_path):
    """SIGTERM to a review that waits for its pager: the pager gets the signal too, the run ends
    with 128+SIGTERM and one line; ^C alone would be the pager's to handle (less keeps running)."""
    import signal
    import time
    pidfile = tmp_path / "pager.pid"
    child = spawn([str(out)], PAGER=f"echo $$ > {pidfile}; cat >/dev/null; exec sleep 600")
    deadline = time.monotonic() + 20
    while not (pidfile.exists() and pidfile.read_text().strip()) and time.monotonic() < deadline:
        time.sleep(0.05)
    pager = int(pidfile.read_text())
    child.kill(signal.SIGTERM)
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 128 + signal.SIGTERM, (child.exitstatus, child.signalstatus)
    assert "terminated by SIGTERM" in child.before and "Traceback" not in child.before
    try:
        os.kill(pager, 0)  # the run waited for (reaped) its pager, so only a live one answers
    except ProcessLookupError:
        return
    os.kill(pager, signal.SIGKILL)
    pytest.fail("the pager outlived the run")
