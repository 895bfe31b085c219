"""Tests for backport.ingest: every input form, the errors, robustness."""
from __future__ import annotations

import io
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from backport.errors import PatchError
from backport.ingest import NO_DIFF, parse_patches, read_patches
from backport.model import Line

ROOT = Path(__file__).resolve().parent.parent
DATA = Path(__file__).resolve().parent / "data" / "ingest"
SEED = ROOT / "patches" / "0001-mm-disable-preemption-before-swapcache_free.mail"

SMALL = b"""\
diff --git a/mm/x.c b/mm/x.c
index 1111111..2222222 100644
--- a/mm/x.c
+++ b/mm/x.c
@@ -1,4 +1,4 @@ static int f(void)
 int a;
-int b;
+int b = 1;
 int c;
 int d;
@@ -20,2 +20,3 @@ static int g(void)
 \tx();
+\ty();
 }
"""


def one(data: bytes, source: str = "t.patch"):
    patches = parse_patches(data, source)
    assert len(patches) == 1
    return patches[0]


def error_of(data: bytes) -> PatchError:
    with pytest.raises(PatchError) as info:
        parse_patches(data, "bad.patch")
    assert info.value.source == "bad.patch"
    return info.value


# -- 1. plain unified diffs -------------------------------------------------


def test_plain_git_diff():
    p = one(SMALL)
    assert p.meta.subject == "" and p.meta.author == "" and p.meta.body == ""
    assert p.base_hint is None and not p.damaged
    (f,) = p.files
    assert (f.old_path, f.new_path, f.kind, f.old_prefix) == ("mm/x.c", "mm/x.c", "modify", "a")
    assert f.extended == ("index 1111111..2222222 100644",)
    assert f.source_line == 1
    h1, h2 = f.hunks
    assert (h1.old_start, h1.old_count, h1.new_start, h1.new_count) == (1, 4, 1, 4)
    assert h1.section == "static int f(void)" and h1.source_line == 5
    assert h1.lines[1] == Line("-", "int b;") and h1.lines[2] == Line("+", "int b = 1;")
    assert h2.lines == (Line(" ", "\tx();"), Line("+", "\ty();"), Line(" ", "}"))
    assert h2.source_line == 11


def test_diff_up_with_timestamps_and_no_newline():
    p = one((DATA / "diff-up.diff").read_bytes())
    assert p.base_hint == "4.14.1" and not p.damaged
    util, last = p.files
    assert (util.old_path, util.new_path, util.old_prefix) == ("mm/util.c", "mm/util.c", "linux-4.14.1")
    assert util.hunks[0].lines[2] == Line(" ", "")
    assert util.hunks[0].section == "static int helper(void)"
    assert last.hunks[0].lines == (Line(" ", "first"), Line("-", "second", True), Line("+", "SECOND", True))
    assert last.hunks[0].text().endswith("+SECOND\n\\ No newline at end of file\n")


def test_git_binary_rename_mode_add_delete():
    p = one((DATA / "git-kinds.diff").read_bytes())
    kinds = [(f.kind, f.old_path, f.new_path) for f in p.files]
    assert kinds == [
        ("add", None, "drivers/added.c"),
        ("binary", "drivers/fw.bin", "drivers/fw.bin"),
        ("delete", "drivers/gone.c", None),
        ("rename", "mm/old_name.c", "mm/new_name.c"),
        ("modify", "mm/tail.c", "mm/tail.c"),
        ("mode", "run.sh", "run.sh"),
    ]
    added, binary, gone, renamed, tail, mode = p.files
    assert added.extended == ("new file mode 100644", "index 0000000..3e75765")
    assert (added.hunks[0].old_start, added.hunks[0].old_count) == (0, 0)
    assert binary.hunks == () and binary.extended[0].startswith("index 6772730")
    assert gone.hunks[0].lines == (Line("-", "gone"),)
    assert renamed.extended[:3] == ("similarity index 87%", "rename from mm/old_name.c", "rename to mm/new_name.c")
    assert [ln.kind for ln in renamed.hunks[0].lines] == [" ", " ", " ", "-", "+", " ", " ", " "]
    assert tail.hunks[0].lines[1:] == (Line("-", "y", True), Line("+", "z", True))
    assert mode.hunks == () and mode.extended == ("old mode 100644", "new mode 100755")


def test_git_pure_rename_copy_and_a_diff_inside_a_diff():
    renamed, nested, copy = one((DATA / "git-rename-copy.diff").read_bytes()).files
    assert (renamed.kind, renamed.old_path, renamed.new_path, renamed.hunks) == (
        "rename", "drivers/added.c", "drivers/moved.c", ())
    assert nested.kind == "add" and nested.new_path == "git.diff"
    assert len(nested.hunks) == 1 and len(nested.hunks[0].lines) == 52
    assert all(ln.kind == "+" for ln in nested.hunks[0].lines)
    assert nested.hunks[0].lines[5] == Line("+", "@@ -0,0 +1 @@")
    assert (copy.kind, copy.old_path, copy.new_path) == ("copy", "mm/new_name.c", "mm/copy.c")
    assert copy.hunks[0].lines[-1] == Line("+", "int z;")


def test_quoted_paths_and_spaces():
    data = (b'diff --git "a/dir/caf\\303\\251 x.c" "b/dir/caf\\303\\251 x.c"\n'
            b'--- "a/dir/caf\\303\\251 x.c"\n+++ "b/dir/caf\\303\\251 x.c"\n'
            b"@@ -1 +1 @@\n-a\n+b\n"
            b"diff --git a/with space.c b/with space.c\nold mode 100644\nnew mode 100755\n")
    quoted, spaced = one(data).files
    assert quoted.old_path == quoted.new_path == "dir/caf\u00e9 x.c"
    assert (spaced.kind, spaced.old_path) == ("mode", "with space.c")


# -- 2. git format-patch / mbox ----------------------------------------------


def test_mbox_two_messages_rfc2047_and_quoted_printable():
    first, second = read_patches(str(DATA / "series.mbox"))  # the cover letter has no diff
    assert first.meta.author == "Andr\u00e9 M\u00fcller <andre@example.org>"
    assert first.meta.subject == "mm: first change with a folded subject"
    assert first.meta.date == "Tue, 7 Aug 2018 10:00:00 +0200"
    assert first.meta.message_id == "20180807.1@example.org"
    assert first.meta.upstream == "0123456789abcdef0123456789abcdef01234567"
    assert "caf\u00e9 and a long line that is soft-wrapped." in first.meta.body
    assert first.meta.body.endswith("Signed-off-by: Andr\u00e9 M\u00fcller <andre@example.org>")
    assert "---" not in first.meta.body and "mm/a.c" not in first.meta.body
    (f,) = first.files
    assert f.hunks[0].lines[1:3] == (Line("-", "int b = 1;"), Line("+", "int b = 2; /* caf\u00e9 */"))
    assert second.meta.subject == "mm: second change"
    assert second.meta.upstream == "fedcba9876543210fedcba9876543210fedcba98"
    assert second.meta.base_commit == "5a4dcdcabca3d1a5d7cf5e1b1bd8f0e0ea0e8e2f"
    assert second.meta.body.startswith("[ Upstream commit") and second.meta.body.endswith("<plain@example.org>")
    assert second.files[0].hunks[0].source_line == 61  # exact line numbers for 8bit bodies
    assert second.source.endswith("series.mbox")


def test_format_patch_with_in_body_from_and_base64():
    import base64
    body = (b"From: Real Author <real@example.org>\n\nFix it.\n\nSigned-off-by: X <x@y>\n---\n"
            + SMALL + b"-- \n2.40.0\n")
    data = (b"From 3333333333333333333333333333333333333333 Mon Sep 17 00:00:00 2001\n"
            b"From: Sender <sender@example.org>\nSubject: [PATCH] mm: fix\n"
            b"Content-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: base64\n\n"
            + base64.encodebytes(body))
    p = one(data)
    assert p.meta.author == "Real Author <real@example.org>"
    assert p.meta.body == "Fix it.\n\nSigned-off-by: X <x@y>"
    assert p.hunk_count == 2


def test_git_show_output():
    data = (b"commit 0123456789abcdef0123456789abcdef01234567\nAuthor: A Dev <a@dev>\n"
            b"Date:   Mon Aug 6 10:00:00 2018 +0200\n\n    mm: subject line\n\n"
            b"    commit 89abcdef0123456789abcdef0123456789abcdef upstream.\n\n    Body.\n\n" + SMALL)
    p = one(data)
    assert (p.meta.author, p.meta.subject) == ("A Dev <a@dev>", "mm: subject line")
    assert p.meta.upstream == "89abcdef0123456789abcdef0123456789abcdef"
    assert p.hunk_count == 2


# -- 3. mail / web copy with whitespace damage ---------------------------------


def test_seed_web_copy_with_whitespace_damage():
    p = one(SEED.read_bytes(), str(SEED))
    assert len(p.files) == 3 and p.hunk_count == 4
    headers = [(h.old_start, h.old_count, h.new_start, h.new_count) for f in p.files for h in f.hunks]
    assert headers == [(225, 9, 225, 11), (337, 19, 339, 17), (2670, 7, 2670, 13), (709, 8, 709, 11)]
    assert [f.path for f in p.files] == ["mm/swap_state.c", "mm/swapfile.c", "mm/vmscan.c"]
    assert {f.old_prefix for f in p.files} == {"4.9.117"}
    assert p.meta.author == "Hugh Dickins"
    assert p.meta.date == "Sat Aug 04 2018 - 19:08:24 EST"
    assert p.meta.subject == "mm: disable preemption before swapcache_free"
    assert p.base_hint == "4.9.117" and p.damaged
    assert p.meta.body.startswith("On Fri, 27 Jul 2018, zhaowuyun@xxxxxxxxxxxx wrote:")
    assert "> >A simpler bandaid" in p.meta.body and p.meta.body.endswith("Hugh")
    h1 = p.files[0].hunks[0]
    assert h1.lines[0] == Line(" ", "address_space = swap_address_space(entry);")
    assert h1.lines[3] == Line("+", " /* Expedite swapcache_free() to help __read_swap_cache_async() */")
    assert Line("-", "") in h1.lines and h1.lines[-1] == Line(" ", "")
    assert h1.section == "void delete_from_swap_cache(struct page"
    seed_lines = SEED.read_text().split("\n")
    for f in p.files:
        for h in f.hunks:
            assert seed_lines[h.source_line - 1] == h.header
        assert seed_lines[f.source_line - 1].startswith("--- 4.9.117/")
    last = p.files[-1].hunks[-1]
    assert len(last.old_lines) == 8 and len(last.new_lines) == 11
    assert last.lines[-1] == Line(" ", "void *shadow = NULL;")


def test_damaged_copy_with_space_timestamps_and_trailing_text():
    data = (b"Subject: [PATCH] x: fix\n\nProse.\n\n"
            b"--- 4.14/mm/x.c 2018-08-04 11:40:08.463504848 -0700\n"
            b"+++ linux/mm/x.c 2018-08-04 11:50:46.577788766 -0700\n"
            b"@@ -1,4 +1,4 @@\nint a;\n\n-int b;\n+int b = 1;\nint c;\n"
            b"-- \nSome Signature\n more text\n")
    p = one(data)
    assert p.damaged and p.base_hint == "4.14"
    assert p.meta.subject == "x: fix" and p.meta.body == "Prose."
    assert p.files[0].hunks[0].lines == (Line(" ", "int a;"), Line(" ", ""), Line("-", "int b;"),
                                         Line("+", "int b = 1;"), Line(" ", "int c;"))


# -- 4. CRLF, non-UTF-8 bytes, lying counts, size -------------------------------


def test_crlf():
    crlf = SMALL.replace(b"\n", b"\r\n")
    assert one(crlf) == one(SMALL)


def test_latin1_bytes_round_trip():
    data = b"--- a/x.c\n+++ b/x.c\n@@ -1,2 +1,2 @@\n /* Copyright J\xf6rg */\n-int \xe9;\n+int \xe8;\n"
    h = one(data).files[0].hunks[0]
    assert h.lines[0].text.encode("utf-8", "surrogateescape") == b"/* Copyright J\xf6rg */"
    assert h.text().encode("utf-8", "surrogateescape") == data.split(b"\n", 2)[2]


def test_ten_thousand_hunks_are_read():
    """Ten thousand hunks in one file all read (about 1 s here; speed lives in benchmarks, not timed tests)."""
    parts = [b"--- a/big.c\n+++ b/big.c\n"]
    for k in range(10_000):
        n = 10 * k + 1
        parts.append(b"@@ -%d,3 +%d,3 @@ f\n a\n-b\n+c\n d\n" % (n, n))
    p = one(b"".join(parts))
    assert p.hunk_count == 10_000
    assert [h.old_start for h in p.files[0].hunks[:3]] == [1, 11, 21]


# -- 5. paths -----------------------------------------------------------------------


@pytest.mark.parametrize("old,new", [
    (b"../x.c", b"b/x.c"),
    (b"a/../../etc/passwd", b"b/x.c"),
    (b"a//etc/passwd", b"b/etc/passwd"),
    (b"/etc/passwd", b"b/etc/passwd"),
    (b"a/x.c", b"b/mm/../../x.c"),
])
def test_paths_that_climb_out_are_refused(old, new):
    err = error_of(b"--- %s\n+++ %s\n@@ -1 +1 @@\n-a\n+b\n" % (old, new))
    assert "tree" in err.message and err.line in (1, 2)


def test_prefixes_and_base_hint():
    for prefix, hint in [(b"linux-5.10.1", "5.10.1"), (b"v6.1-rc3", "6.1-rc3"), (b"linux-4.9.orig", "4.9"), (b"a", None), (b"orig", None)]:
        p = one(b"--- %s/mm/x.c\n+++ new/mm/x.c\n@@ -1 +1 @@\n-a\n+b\n" % prefix)
        assert p.files[0].old_prefix == prefix.decode() and p.base_hint == hint
        assert p.files[0].path == "mm/x.c"


# -- 6. several patches / errors ---------------------------------------------------------


def test_read_stdin(monkeypatch):
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(SMALL)))
    (p,) = read_patches("-")
    assert p.source == "<stdin>" and p.hunk_count == 2


def test_unreadable_and_empty_and_not_a_patch(tmp_path):
    with pytest.raises(PatchError) as info:
        read_patches(str(tmp_path / "missing.patch"))
    assert "No such file or directory" in info.value.message
    with pytest.raises(PatchError, match="Is a directory"):
        read_patches(str(tmp_path))
    assert error_of(b"").message == "empty file"
    assert error_of(b" \n\n").message == "empty file"
    assert error_of(b"Hello,\nthis is prose only.\n--- not\n").message == NO_DIFF


def test_truncated_hunk_names_its_header():
    err = error_of(b"junk\n--- a/x\n+++ b/x\n@@ -1,3 +1,3 @@\n a\n-b\n")
    assert "truncated" in err.message and err.line == 4
    err = error_of(b"--- a/x\n+++ b/x\n@@ -1,3 +1,3 @@\n a\n-b\n+c\n@@ -9 +9 @@\n-x\n+y\n")
    assert "truncated" in err.message and err.line == 3


def test_counts_that_lie_name_the_line():
    err = error_of(b"--- a/x\n+++ b/x\n@@ -1,2 +1,2 @@\n a\n-b\n+c\n d\n+e\n@@ -9 +9 @@\n-x\n+y\n")
    assert err.line == 7
    err = error_of(b"--- a/x\n+++ b/x\n@@ -1,2 +1,2 @@\n a\n-b\n-b2\n+c\n")
    assert err.line == 6
    err = error_of(b"--- a/x\n+++ b/x\n@@ -1 +1 @@\n-b\n+c\n+d\n")
    assert err.line == 6


def test_garbage_inside_a_hunk():
    err = error_of(b"--- a/x\n+++ b/x\n@@ -1 +1,3 @@\n-b\n+c\nnot a line\n+d\n")
    assert err.line == 6
    err = error_of(b"--- a/x\n+++ b/x\n@@ -1 +1 @@\n\\ No newline at end of file\n-b\n+c\n")
    assert err.line == 4
    err = error_of(b"--- a/x\n+++ b/x\n@@ -1,0 +1,0 @@\n")
    assert err.line == 3


NASTY = [
    b"\x00", b"\r", b"\r\n\r\n--- \n", b"--- a\n+++ b\n", b"--- a\n+++ b\n@@ -1 +1 @@\n",
    b"--- /dev/null\n+++ /dev/null\n@@ -1 +1 @@\n-a\n+b\n",
    b"diff --git \n", b"diff --git a/x\n--- a/x\n+++ b/x\n@@ -1 +1 @@\n-a\n+b\n",
    b'diff --git "a/x b/x\n', b"diff --git a/x b/x\nGIT binary patch\n",
    b"--- a/x\n+++ b/x\n@@ -99999999999999999999 +1 @@\n-a\n+b\n",
    b"--- a/x\n+++ b/x\n@@ -1," + b"9" * 5000 + b" +1 @@\n-a\n",
    b"From x Mon Jan  1 00:00:00 2001\n", b"From x Mon Jan  1 00:00:00 2001\n\n\nFrom: \xff\n",
    b"From: =?x-unknown?q?=ff?=\nSubject: =?utf-8?b?!!!?=\nContent-Transfer-Encoding: base64\n\n!!!\n",
    b"From: a\nContent-Type: multipart/mixed; boundary=\"\"\n\n--\n",
    b"Subject: [" + b"a" * 20000 + b"\n\n" + SMALL,
    b"--- " + b" " * 20000 + b"\n+++ b\n@@ -1 +1 @@\n-a\n+b\n",
    b"\xed\xa0\x80\xc3(" + SMALL,
    b"@@ -1 +1 @@\n-a\n+b\n",
    b"--- a/x\n+++ b/x\n@@ -1 +1 @@\n-a\n+b\nBinary files " + b" and " * 20000 + b"\n",
]


@pytest.mark.parametrize("data", NASTY)
def test_nasty_inputs_raise_only_patch_error(data):
    try:
        patches = parse_patches(data, "nasty")
    except PatchError:
        return
    assert patches and all(p.files for p in patches)


def _parse_or_patch_error(data: bytes) -> None:
    try:
        patches = parse_patches(data, "fuzz")
    except PatchError as e:
        assert e.source == "fuzz"
        return
    assert patches and all(p.files for p in patches)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.binary(max_size=2000))
def test_random_bytes_raise_only_patch_error(data):
    _parse_or_patch_error(data)


_VALID = [SMALL, (DATA / "git-kinds.diff").read_bytes(), (DATA / "series.mbox").read_bytes(),
          (DATA / "diff-up.diff").read_bytes(), SEED.read_bytes()]
_PIECES = [b"\n", b" ", b"+", b"-", b"@@ -1,2 +1 @@", b"\\ No newline at end of file\n", b"--- ", b"+++ ",
           b"diff --git ", b"\r", b"\xff", b"=?utf-8?q?=C3=A9?=", b"../", b"\t", b"From x Mon Jan 1 00:00:00 2001\n"]


@st.composite
def mutated(draw):
    data = bytearray(draw(st.sampled_from(_VALID)))
    for _ in range(draw(st.integers(1, 6))):
        pos = draw(st.integers(0, len(data)))
        action = draw(st.sampled_from(["insert", "delete", "replace", "line"]))
        if action == "insert":
            data[pos:pos] = draw(st.sampled_from(_PIECES) | st.binary(max_size=8))
        elif action == "delete":
            del data[pos:pos + draw(st.integers(1, 40))]
        elif action == "replace":
            data[pos:pos + 1] = draw(st.binary(min_size=1, max_size=1))
        else:
            lines = bytes(data).split(b"\n")
            k = draw(st.integers(0, len(lines) - 1))
            lines.insert(draw(st.integers(0, len(lines))), lines[k])
            data = bytearray(b"\n".join(lines))
    return bytes(data)


@settings(max_examples=500, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(mutated())
def test_mutated_patches_raise_only_patch_error(data):
    _parse_or_patch_error(data)
