"""Mail from strangers: nothing from the input becomes a mail header, a terminal
escape or markup (issue: "Safe with hostile mail").

Every case goes through the command line against small trees built in
``tmp_path`` (the helpers of test_hostile.py): the written mails are read back
with ``git mailinfo`` and their header blocks parsed; the terminal output of
``port``, ``review`` (plain, and coloured through a pseudo-terminal) and
``batch`` may hold no control character but newline and tab, and ESC only as
the colour (SGR) sequences rich writes itself.
"""
from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pexpect
import pytest

from conftest import GIT_ENV, git
from test_hostile import PATCH, port, run_cli, trees  # noqa: F401 - trees: the fixture (base/, target/)

HEADER = "From: Jane Dev <jane@example.org>\nDate: Mon, 6 Aug 2018 10:00:00 -0700\nSubject: [PATCH] mm: take one off\n"
BODY = "Take one off.\n\nSigned-off-by: Jane Dev <jane@example.org>\n"

# ESC sequences rich writes for colour; anything else that starts with ESC came from the input.
_SGR = re.compile(r"\x1b\[[0-9;]*m")
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def mail(header: str = HEADER, body: str = BODY, diff: str = PATCH) -> str:
    return f"{header}\n{body}---\n mm/a.c | 1 +\n\n{diff}"


def written_mail(out: Path) -> Path:
    (path,) = (out / "target").glob("0001-*.patch")
    return path


def header_block(text: str) -> list[str]:
    """The header lines of a written mail (after the ``From <sha>`` line), continuation lines joined."""
    lines = text.split("\n\n", 1)[0].split("\n")[1:]
    joined: list[str] = []
    for ln in lines:
        if ln[:1] in (" ", "\t") and joined:
            joined[-1] += ln
        else:
            joined.append(ln)
    return joined


def mailinfo(path: Path, tmp: Path) -> tuple[dict, str]:
    msg, patch = tmp / "mi-msg", tmp / "mi-patch"
    run = subprocess.run(["git", "mailinfo", str(msg), str(patch)], input=path.read_bytes(),
                         capture_output=True, check=True)
    info = dict(ln.split(": ", 1) for ln in run.stdout.decode().splitlines() if ": " in ln)
    return info, msg.read_text()


def assert_text_only(output: str, where: str) -> None:
    """No control character reaches the terminal: only newline, tab and rich's own colour codes."""
    stripped = _SGR.sub("", output)
    bad = sorted(set(_CONTROL.findall(stripped)))
    assert not bad, f"{where}: control characters {bad!r} reached the terminal"
    assert "\x1b]" not in output and "\u009b" not in output, where


# ---------------------------------------------------------------------------
# headers


@pytest.mark.parametrize("header, field", [
    # an encoded newline in the Subject that would add a recipient for git send-email
    ("From: Jane Dev <jane@example.org>\nDate: Mon, 6 Aug 2018 10:00:00 -0700\n"
     "Subject: =?UTF-8?q?=5BPATCH=5D_mm:_take_one_off=0ACc:_attacker@evil.example?=\n", "subject"),
    ("From: Jane Dev <jane@example.org>\nDate: Mon, 6 Aug 2018 10:00:00 -0700\n"
     "Subject: =?UTF-8?b?W1BBVENIXSBtbTogdGFrZSBvbmUgb2ZmDQpCY2M6IGF0dGFja2VyQGV2aWwuZXhhbXBsZQ==?=\n", "subject"),
    # an encoded CRLF in the From name that would replace the author
    ("From: =?UTF-8?q?Jane_Dev=0D=0AFrom:_Mallory_=3Cm@evil.example=3E?= <jane@example.org>\n"
     "Date: Mon, 6 Aug 2018 10:00:00 -0700\nSubject: [PATCH] mm: take one off\n", "from"),
    # a newline and a NUL in the date
    ("From: Jane Dev <jane@example.org>\nDate: =?UTF-8?q?Mon,_6_Aug_2018_10:00:00_-0700=0AX-Evil:_1=00?=\n"
     "Subject: [PATCH] mm: take one off\n", "date"),
])
def test_decoded_header_values_cannot_add_header_lines(tmp_path, trees, header, field):
    base, target = trees
    run, out = port(tmp_path, mail(header), base, target)
    assert run.returncode == 0, run.stderr
    path = written_mail(out)
    names = [ln.split(":", 1)[0] for ln in header_block(path.read_text())]
    assert names == ["From", "Date", "Subject"], names
    info, _ = mailinfo(path, tmp_path)
    assert info["Email"] == "jane@example.org"
    assert "Mallory" not in info["Email"]
    if field == "subject":
        assert info["Subject"].startswith("mm: take one off") and "attacker@evil.example" in info["Subject"]
    for value in info.values():
        assert "\n" not in value and "\r" not in value


def test_header_values_are_one_line_in_the_reports(tmp_path, trees):
    base, target = trees
    header = ("From: Jane Dev <jane@example.org>\nDate: Mon, 6 Aug 2018 10:00:00 -0700\n"
              "Subject: =?UTF-8?q?mm:_take_one_off=0D=0ACc:_attacker@evil.example?=\n")
    run, out = port(tmp_path, mail(header), base, target)
    assert run.returncode == 0, run.stderr
    subject = json.loads((out / "report.json").read_text())["patches"][0]["subject"]
    assert subject == "mm: take one off Cc: attacker@evil.example"


# ---------------------------------------------------------------------------
# bodies git mailsplit / git am would read otherwise


@pytest.mark.parametrize("line, said, kept", [
    ("From mallory Sat Aug  4 19:08:24 2018", "git mailsplit would start a new mail",
     ">From mallory Sat Aug  4 19:08:24 2018"),
    ("a NUL \x00 here", "control characters", "a NUL \\x00 here"),
    ("an ESC \x1b]0;owned\x07 here", "control characters", "an ESC \\x1b]0;owned\\x07 here"),
    ("a bidi \u202e override", "control characters", "a bidi \\u202e override"),
])
def test_body_lines_git_would_misread_are_needs_review_and_the_mail_still_applies(tmp_path, trees, line, said, kept):
    base, target = trees
    body = f"Take one off.\n\n{line}\nmore text\n\nSigned-off-by: Jane Dev <jane@example.org>\n"
    run, out = port(tmp_path, mail(body=body), base, target)
    assert run.returncode == 1, (run.returncode, run.stderr)
    path = written_mail(out)
    text = path.read_text()
    notes = text.split("\n---\n", 1)[1].split("\ndiff --git", 1)[0]
    assert "NEEDS REVIEW" in notes and said in notes, notes
    repo = tmp_path / "am"
    shutil.copytree(target, repo)
    for args in (["init", "-q"], ["add", "-A"], ["commit", "-qm", "target"]):
        git(repo, *args)
    am = subprocess.run(["git", "-C", str(repo), "am", str(path)], capture_output=True, text=True,
                        env=dict(os.environ, **GIT_ENV))
    assert am.returncode == 0, am.stderr
    message = git(repo, "log", "-1", "--format=%B")
    assert kept in message and "more text" in message and "Signed-off-by: Jane Dev" in message


@pytest.mark.parametrize("line, said", [
    ("From mallory Sat Aug  4 19:08:24 2018", "git mailsplit would start a new mail"),
    ("---", "git am ends the commit message"),
    ("--- a/x", "git am ends the commit message"),
    ("diff --git a/x b/x", "git am ends the commit message"),
    ("Index: mm/a.c", "git am ends the commit message"),
    ("a NUL \x00 here", "control characters"),
])
def test_message_hazards_of_a_commit_message(line, said):
    """A commit message (``backport port <sha>``) can hold what a mail body cannot: each is named."""
    from backport.model import PatchMeta
    from backport.series import message_hazards
    found = message_hazards(PatchMeta(author="a", date="", subject="x", body=f"Fix it.\n\n{line}\nmore\n"))
    assert any(said in f for f in found), found
    assert not message_hazards(PatchMeta(author="a", date="", subject="x", body="Fix it.\n\n-- \nFrom here on\n"))


def test_first_body_line_that_git_am_takes_for_a_header_is_needs_review():
    """git mailinfo reads ``From:``/``Subject:``/``Date:`` at the start of the body as the
    real author, subject or date; a written body that starts so is named."""
    from backport.model import PatchMeta
    from backport.series import message_hazards
    for first in ("From: Mallory <m@evil.example>", "Subject: other", "date: now", ">From x", "[PATCH] x"):
        found = message_hazards(PatchMeta(author="a", date="", subject="x", body=f"\n{first}\nx"))
        assert any("as a header" in f for f in found), (first, found)
    assert not message_hazards(PatchMeta(author="a", date="", subject="x", body="Take one off.\nFrom: x\n"))


def test_clean_body_is_not_flagged(tmp_path, trees):
    base, target = trees
    run, out = port(tmp_path, mail(), base, target)
    assert run.returncode == 0, run.stderr
    assert "NEEDS REVIEW" not in written_mail(out).read_text()


@pytest.mark.parametrize("subject", ["[media] mm: take one off", "Re: mm: take one off"])
def test_subject_start_git_am_would_drop_is_needs_review(subject):
    from backport.model import PatchMeta
    from backport.series import message_hazards
    found = message_hazards(PatchMeta(author="a", date="", subject=subject, body="x"))
    assert any("drops the start of the subject" in f for f in found)


# ---------------------------------------------------------------------------
# MIME


def test_multipart_alternative_reads_the_plain_text_only(tmp_path, trees):
    base, target = trees
    html_diff = PATCH.replace("<", "&lt;").replace(">", "&gt;").replace("\n", "<br>\n")
    text = (f"{HEADER}MIME-Version: 1.0\nContent-Type: multipart/alternative; boundary=\"b\"\n\n"
            f"--b\nContent-Type: text/plain; charset=utf-8\n\n{BODY}---\n{PATCH}\n"
            f"--b\nContent-Type: text/html; charset=utf-8\n\n<html><body><pre>{html_diff}</pre></body></html>\n"
            "--b--\n")
    run, out = port(tmp_path, text, base, target)
    assert run.returncode == 0, run.stderr
    report = json.loads((out / "report.json").read_text())
    hunks = report["patches"][0]["targets"][0]["hunks"]
    assert [h["verdict"] for h in hunks] == ["offset"]


# ---------------------------------------------------------------------------
# the terminal

EVIL = "\x1b]52;c;ZXZpbA==\x07\x1b]0;owned\x07\x1b[2J\x08\r\u202e"
MARKUP = "[link=https://evil.example]click[/link] [bold]x[/bold] [/x]"


def evil_patch() -> str:
    diff = PATCH.replace("+\ty -= 1;\n", f"+\ty -= 1; /* {EVIL} {MARKUP} */\n+#include <linux/{MARKUP}.h>\n")
    diff = diff.replace("@@ -8,6 +8,7 @@", "@@ -8,6 +8,8 @@")
    header = HEADER.replace("Subject: [PATCH] mm: take one off", f"Subject: [PATCH] mm: take {MARKUP} one off")
    return mail(header, f"Take one off {EVIL}.\n\nSigned-off-by: Jane Dev <jane@example.org>\n", diff)


def test_port_and_review_show_input_as_text(tmp_path, trees):
    base, target = trees
    run, out = port(tmp_path, evil_patch(), base, target)
    assert "Traceback" not in run.stderr and run.returncode in (0, 1), run.stderr
    assert_text_only(run.stdout + run.stderr, "port")
    assert "does not exist in the target" in run.stdout  # the warning naming the header is shown
    assert MARKUP in run.stdout.replace("\n", "") or "[link=https://evil.example]" in run.stdout
    review = run_cli("review", out, "--no-color")
    assert review.returncode == 0, review.stderr
    assert_text_only(review.stdout + review.stderr, "review --no-color")
    assert "\\x1b]52;c;ZXZpbA==\\x07" in review.stdout  # shown escaped, visibly
    assert "[link=https://evil.example]click[/link]" in review.stdout
    coloured = run_cli("port", tmp_path / "fix.patch", "--base", base, "--to", target, "-o", tmp_path / "out2",
                       fork=False, env=dict(os.environ, FORCE_COLOR="1", TERM="xterm-256color", COLUMNS="200"))
    assert "\x1b[" in coloured.stdout, "FORCE_COLOR should colour the table"
    assert_text_only(coloured.stdout + coloured.stderr, "port in colour")


def test_review_on_a_terminal_in_colour_shows_input_as_text(tmp_path, trees):
    base, target = trees
    run, out = port(tmp_path, evil_patch(), base, target)
    assert run.returncode in (0, 1), run.stderr
    env = dict(os.environ, TERM="xterm-256color", PAGER="cat")
    env.pop("NO_COLOR", None)
    child = pexpect.spawn(sys.executable, ["-m", "backport.cli", "review", str(out)], env=env,
                          dimensions=(40, 160), timeout=60)
    child.expect(pexpect.EOF)
    child.close()
    output = child.before.decode("utf-8", "replace").replace("\r\n", "\n")  # the pty's own CRs
    assert child.exitstatus == 0, output[-2000:]
    assert "\x1b[" in output, "a terminal should get colour"
    assert_text_only(output, "review on a terminal")
    assert "\\x1b]52" in output


def test_markup_in_input_does_not_crash_and_prints_literally(tmp_path, trees):
    base, target = trees
    diff = PATCH.replace("+\ty -= 1;\n", "+\ty -= 1; /* [/x] [/] [link=x] */\n")
    header = HEADER.replace("mm: take one off", "mm: [/x] take [/] one off")
    run, out = port(tmp_path, mail(header, diff=diff), base, target)
    assert run.returncode == 0, run.stderr
    assert (out / "report.json").exists()
    review = run_cli("review", out, "--no-color")
    assert review.returncode == 0, review.stderr
    assert "[/x] [/] [link=x]" in review.stdout


def test_batch_output_is_text_only(tmp_path, trees):
    base, target = trees
    patch = tmp_path / "evil.patch"
    patch.write_text(evil_patch())
    jobs = tmp_path / "jobs.jsonl"
    jobs.write_text(json.dumps({"id": "j\x1b]0;x\x07", "patch": str(patch), "base": str(base), "to": [str(target)]})
                    + "\n" + json.dumps({"id": "bad", "patch": str(tmp_path / f"missing{EVIL}.patch"),
                                         "base": str(base), "to": [str(target)]}) + "\n")
    run = run_cli("batch", jobs, "-o", tmp_path / "bout")
    assert "Traceback" not in run.stderr, run.stderr
    assert_text_only(run.stdout + run.stderr, "batch")


def test_markdown_report_escapes_input(tmp_path, trees):
    base, target = trees
    diff = PATCH.replace("+\ty -= 1;\n", "+\ty -= 1; /* ``` <img src=x onerror=alert(1)> */\n")
    header = HEADER.replace("mm: take one off", "mm: [click](javascript:alert(1)) <script>x</script>")
    run, out = port(tmp_path, mail(header, diff=diff), base, target)
    assert run.returncode == 0, run.stderr
    md = (out / "report.md").read_text()
    assert not re.search(r"(?<!\\)<script>", md) and not re.search(r"(?<!\\)\[click(?<!\\)\]\(", md)
    assert "\\<script>" in md and "\\[click\\](javascript:alert(1))" in md
    # the regenerated hunk sits in a fence longer than any backtick run it holds
    assert "````diff" in md


def test_fuzz_mail_target_finds_nothing_on_a_fixed_sample():
    """The fuzz driver's mail-writer target (``python -m tools.fuzz --target mail``) on 150 fixed
    inputs: hostile encoded words, CR/LF, NUL, ESC, address specials, misread body lines."""
    import random

    from tools import fuzz
    found = {n: what for n in range(150) if (what := fuzz.run_mail(fuzz.make_mail(random.Random(f"0:mail:{n}"))))}
    assert not found, found
