"""The checks of a port against the target as a compiler would see it (issue 11): each one on a
golden case, and on a variant of it where the fact behind the finding is changed."""
from __future__ import annotations

import re
import shutil
from pathlib import Path

from backport import verify
from backport.ingest import read_patches
from backport.model import Severity, Verdict
from backport.pipeline import port
from backport.tree import DirTree

CASES = Path(__file__).resolve().parent / "cases"


def _port(d: Path):
    return port(read_patches(str(d / "patch.diff"))[0], DirTree(str(d / "base")), [DirTree(str(d / "target"))])


def _variant(tmp_path: Path, case: str) -> Path:
    d = tmp_path / case
    shutil.copytree(CASES / case, d)
    return d


def _hunks(d: Path):
    return _port(d).targets[0].hunks


def _replace(path: Path, old: str, new: str) -> None:
    """Edit one file of a case variant; the text to replace must be there."""
    text = path.read_text()
    assert old in text, (path, old)
    path.write_text(text.replace(old, new))


# --- a name defined nowhere: the port's fault, or the input's ---------------------------

def test_helper_the_base_lacks_too_is_a_missing_prerequisite():
    [h] = _hunks(CASES / "helper-from-another-file-of-the-commit")
    assert h.verdict is Verdict.CONFLICT  # placed right, but the target does not build with it alone
    assert "`qux_flush_tx_ring`" in h.reason and "input is incomplete" in h.reason


def test_helper_the_base_has_and_the_target_lacks_needs_review(tmp_path):
    d = _variant(tmp_path, "helper-from-another-file-of-the-commit")
    header = d / "base/drivers/net/ethernet/quxnet/qux.h"
    header.write_text(header.read_text().replace("void qux_start_queues", "void qux_flush_tx_ring(struct qux_priv *priv);\nvoid qux_start_queues"))
    [h] = _hunks(d)
    assert h.verdict is Verdict.CONFLICT and "qux_flush_tx_ring" in h.reason


def test_helper_the_base_has_in_a_far_header_needs_review(tmp_path):
    d = _variant(tmp_path, "helper-from-another-file-of-the-commit")
    far = d / "base/arch/x86/include/asm/qux_ring.h"
    far.parent.mkdir(parents=True)
    far.write_text("void qux_flush_tx_ring(void *priv);\n")
    [h] = _hunks(d)
    assert h.verdict is Verdict.CONFLICT and "defined nowhere" in h.reason


def test_defining_macros_declare_their_name():
    h = verify.HunkCode(1, None, ("DEFINE_CLASS(snd_hda_power, struct __hda_power_obj,",
                                  "\t     snd_hda_power_down((_T).codec), __snd_hda_power_up(codec),",
                                  "\t     struct hda_codec *codec)",
                                  "static DEFINE_MUTEX(qux_lock);", "DEFINE_PER_CPU(int, qux_count);"))
    declared = verify.declared_names(h)
    assert {"snd_hda_power", "codec", "qux_lock", "qux_count"} <= declared
    assert "DEFINE_CLASS" not in declared and "snd_hda_power_down" not in declared
    assert verify.undeclared_names(h, {"_T", "snd_hda_power", "snd_hda_power_down"}) == {"snd_hda_power_down"}


def test_member_designators_are_members_not_api():
    """octeon's ethernet.c: `container_of(work, struct octeon_ethernet_platform,
    rx_refill_work.work)` names a member; a name only a member designator uses is no API a
    header must define.  The same name called as a function still is."""
    h = verify.HunkCode(1, None, ("\tstruct octeon_ethernet_platform *p =",
                                  "\t\tcontainer_of(work, struct octeon_ethernet_platform, rx_refill_work.work);",
                                  "\tlist_for_each_entry_safe(pos, n, &p->list, qux_node)",
                                  "\t\tqux_free(pos, offsetof(struct qux, slots[qux_index]));",
                                  "\tlen = struct_size(p, qux_items, qux_count);"))
    names = {"rx_refill_work", "qux_node", "slots", "qux_index", "qux_items", "qux_count", "qux_free"}
    assert verify.undeclared_names(h, names) == {"qux_index", "qux_count", "qux_free"}
    call = verify.HunkCode(1, None, ("\trx_refill_work(p);",))
    assert verify.undeclared_names(call, {"rx_refill_work"}) == {"rx_refill_work"}


# --- struct members: through chains, and types that changed ------------------------------

def test_member_gone_at_the_end_of_a_chain():
    [h] = _hunks(CASES / "struct-member-through-a-chain")
    assert h.verdict is Verdict.CONFLICT
    assert "`chunk->subh.cookie_hdr->c.peer_init`" in h.reason and "struct quxp_cookie" in h.reason


def test_chain_whose_links_all_hold_stays_clean(tmp_path):
    d = _variant(tmp_path, "struct-member-through-a-chain")
    shutil.copy(d / "base/include/net/quxp/structs.h", d / "target/include/net/quxp/structs.h")
    assert [h.verdict for h in _hunks(d)] == [Verdict.EXACT]


def test_write_to_a_member_that_became_const():
    [h] = _hunks(CASES / "struct-member-became-const")
    assert h.verdict is Verdict.CONFLICT and "`const` in the target" in h.reason


def test_read_of_a_member_that_became_const_is_fine(tmp_path):
    d = _variant(tmp_path, "struct-member-became-const")
    patch = d / "patch.diff"
    patch.write_text(patch.read_text().replace("area->vm_flags &= ~VM_MAYWRITE;", "err = area->vm_flags & VM_SHARED;"))
    assert [h.verdict for h in _hunks(d)] == [Verdict.EXACT]


def test_member_type_changes():
    from backport import structs
    old = structs.members("{ int users; unsigned long flags; struct foo *owner; struct foo inline_one; }")
    new = structs.members("{ atomic_t users; const unsigned long flags; struct foo owner; struct bar inline_one; }")
    assert "atomic_t" in structs.changed(old["users"], new["users"])
    assert structs.changed(old["flags"], new["flags"]) is None and new["flags"].const
    assert "pointer" in structs.changed(old["owner"], new["owner"])
    assert "struct bar" in structs.changed(old["inline_one"], new["inline_one"])
    assert not structs.members("{ const char *name; }")["name"].const


# --- a declaration the target's block already has ----------------------------------------

def test_declaration_the_target_block_already_has():
    [h] = _hunks(CASES / "declaration-the-target-already-has")
    assert h.verdict is Verdict.CONFLICT and "already declares" in h.reason and "`rdst`" in h.reason


def test_declaration_new_to_the_target_block_is_clean(tmp_path):
    d = _variant(tmp_path, "declaration-the-target-already-has")
    src = d / "target/drivers/net/quxlan/quxlan_core.c"
    src.write_text(src.read_text().replace("\t\tstruct quxlan_rdst *rdst = NULL;\n", "")
                   .replace("\t\trdst = quxlan_first_remote(dev);\n\t\tif (rdst && rdst->remote_ifindex) {",
                            "\t\tif (quxlan_first_remote(dev)) {"))
    [h] = _hunks(d)
    assert h.verdict.clean, h.reason


# --- a condition the target changed, copied by the fix -----------------------------------

def test_added_condition_the_target_extended():
    [h] = _hunks(CASES / "condition-the-target-changed-copied-by-the-fix")
    assert h.verdict is Verdict.CONFLICT and "`if (qux_root_partition && !qux_nested)`" in h.reason


def test_added_condition_the_target_kept_is_clean(tmp_path):
    d = _variant(tmp_path, "condition-the-target-changed-copied-by-the-fix")
    shutil.copy(d / "base/drivers/hv/quxbus/quxbus_drv.c", d / "target/drivers/hv/quxbus/quxbus_drv.c")
    assert [h.verdict for h in _hunks(d)] == [Verdict.EXACT]


# --- an insertion point among statements the target added --------------------------------

def test_insertion_among_several_new_statements_needs_review():
    [h] = _hunks(CASES / "insertion-among-statements-the-target-added")
    assert h.verdict is Verdict.CONFLICT and "a guess" in h.reason


def test_insertion_next_to_one_new_statement_using_its_names_needs_review(tmp_path):
    """One new statement between the anchors that shares a name with the added line (`mapping`):
    before or after it is a guess git merge-file does not settle, and the order can matter."""
    d = _variant(tmp_path, "insertion-among-statements-the-target-added")
    src = d / "target/mm/quxpaged.c"
    src.write_text(src.read_text().replace("\t__folio_set_locked(new_folio);\n\tif (mapping_use_swap(mapping))\n"
                                           "\t\t__folio_set_swapbacked(new_folio);\n\tnew_folio->index = start;\n", ""))
    [h] = _hunks(d)
    assert h.verdict is Verdict.CONFLICT and "a guess" in h.reason and "share names" in h.reason


def test_insertion_next_to_one_new_statement_stays_clean(tmp_path):
    d = _variant(tmp_path, "insertion-among-statements-the-target-added")
    src = d / "target/mm/quxpaged.c"
    text = src.read_text()
    src.write_text(text.replace("\tif (mapping_use_swap(mapping))\n\t\t__folio_set_swapbacked(new_folio);\n"
                                "\tnew_folio->index = start;\n\tnew_folio->mapping = mapping;\n", ""))
    [h] = _hunks(d)
    assert h.verdict.clean, h.reason


# --- a variable an added line assigns and nothing declares ------------------------------

def _assigning(tmp_path: Path) -> Path:
    d = _variant(tmp_path, "helper-from-another-file-of-the-commit")
    patch = d / "patch.diff"
    patch.write_text(patch.read_text().replace("+\tqux_flush_tx_ring(priv);", "+\tlast_timeout = priv->tx_timeouts;"))
    return d


def test_assigned_variable_nothing_declares_is_a_missing_part(tmp_path):
    [h] = _hunks(_assigning(tmp_path))
    said = [h.reason, *h.warnings]
    assert h.verdict is Verdict.CONFLICT
    assert any("assigns `last_timeout`" in m and "input is incomplete" in m for m in said)


def test_assigned_variable_only_the_base_declares_needs_review(tmp_path):
    d = _assigning(tmp_path)
    src = d / "base/drivers/net/ethernet/quxnet/qux_main.c"
    src.write_text(src.read_text() + "\nstatic unsigned long last_timeout;\n")
    [h] = _hunks(d)
    assert h.verdict is Verdict.CONFLICT and any("assigns `last_timeout`" in w and "the base's does" in w
                                                 for w in h.warnings)


# --- a rename learned from one call, and a universal function ----------------------------

def test_call_written_another_way_once_is_not_a_rename():
    r = _port(CASES / "universal-call-beside-a-rewritten-one").targets[0]
    assert [h.verdict for h in r.hunks] == [Verdict.DRIFTED] and "+\tmemset(buf, 0, sizeof(buf));" in r.diff


def test_call_the_target_file_no_longer_makes_is_a_rename(tmp_path):
    d = _variant(tmp_path, "universal-call-beside-a-rewritten-one")
    src = d / "target/drivers/misc/quxreq/quxreq.c"
    src.write_text(src.read_text().replace("\tmemset(qd->stats, 0, sizeof(qd->stats));\n", ""))
    [h] = _hunks(d)
    assert h.verdict is Verdict.RENAMED and "memset -> quxreq_msg_init" in h.reason


def test_condition_that_only_gained_a_brace_is_the_same(tmp_path):
    d = _variant(tmp_path, "condition-the-target-changed-copied-by-the-fix")
    src = d / "target/drivers/hv/quxbus/quxbus_drv.c"
    src.write_text((d / "base/drivers/hv/quxbus/quxbus_drv.c").read_text().replace(
        "\tif (qux_root_partition)\n\t\treturn 0;\n", "\tif (qux_root_partition) {\n\t\tpr_info(\"root\\n\");\n\t\treturn 0;\n\t}\n"))
    [h] = _hunks(d)
    assert h.verdict.clean, h.reason


def test_assigned_variable_the_patch_declares_is_fine(tmp_path):
    d = _assigning(tmp_path)
    patch = d / "patch.diff"
    text = patch.read_text().replace("@@ -16,5 +16,6 @@", "@@ -16,5 +16,7 @@")
    patch.write_text(text.replace("+\tlast_timeout = priv->tx_timeouts;", "+\tunsigned long last_timeout;\n+\tlast_timeout = priv->tx_timeouts;"))
    [h] = _hunks(d)
    assert not any("assigns `last_timeout`" in w for w in h.warnings)


def test_base_headers_searched_again_only_where_they_differ_from_the_target(tmp_path):
    """A name the target's headers lack is looked for in the base's headers that differ from the
    target's (the same blob was searched already); a header name with glob characters is literal."""
    from backport.tree import GitTree, Repository
    from conftest import make_repo
    same = "#define SAME_IN_BOTH 1\n"
    repo = make_repo(tmp_path / "r", {
        "base": {"include/a.h": same, "include/[b].h": "int only_in_base(void);\n", "x.c": "int x;\n"},
        "target": {"include/a.h": same, "include/[b].h": "int other(void);\n", "x.c": "int x;\n"}})
    r = Repository(str(repo))
    base, target = GitTree(r, "base"), GitTree(r, "target")
    assert r.differing(base.commit, target.commit, "*.h") == (":(literal)include/[b].h",)
    names = {"only_in_base", "nowhere_at_all"}
    near = verify.Near(paths=("x.c",))
    assert verify.absent_from_base(names, base, target, near) == {"nowhere_at_all"}
    assert verify.absent_from_base(names, target, base, near) == names  # searched the other way round


def test_a_files_own_struct_is_not_taken_from_another_file_of_its_folder(tmp_path):
    """Two files of one directory each define a private ``struct ctx``; the target's b.c lost the
    member the fix writes, while a.c's still has one of that name: a.c's body must not answer for b.c."""
    a = "struct ctx {\n\tint ready;\n\tint armed;\n};\n\nvoid a_go(struct ctx *c)\n{\n\tc->ready = 1;\n\treturn;\n}\n"
    b_base = "struct ctx {\n\tint count;\n\tint armed;\n};\n\nvoid b_go(struct ctx *c)\n{\n\tc->count = 0;\n\treturn;\n}\n"
    b_target = b_base.replace("\tint armed;\n", "")
    for side, b in (("base", b_base), ("target", b_target)):
        (tmp_path / side / "drivers/x").mkdir(parents=True)
        (tmp_path / side / "drivers/x/a.c").write_text(a)
        (tmp_path / side / "drivers/x/b.c").write_text(b)
    diff = "".join(f"--- a/drivers/x/{f}\n+++ b/drivers/x/{f}\n@@ -8,3 +8,4 @@ void {f[0]}_go(struct ctx *c)\n"
                   f" \tc->{m} = {v};\n+\tc->armed = 1;\n \treturn;\n }}\n"
                   for f, m, v in (("a.c", "ready", 1), ("b.c", "count", 0)))
    (tmp_path / "fix.patch").write_text(diff)
    result = port(read_patches(str(tmp_path / "fix.patch"))[0], DirTree(str(tmp_path / "base")),
                  [DirTree(str(tmp_path / "target"))])
    by_path = {h.path: h for h in result.targets[0].hunks}
    assert by_path["drivers/x/a.c"].verdict is Verdict.EXACT
    b = by_path["drivers/x/b.c"]
    assert b.verdict.needs_human and "armed" in b.reason, (b.verdict, b.reason)


# --- a call the target writes another way nearby ---------------------------------------------

def test_call_kept_only_when_porting_to_an_older_tree(tmp_path):
    """Without versions to say the port goes back (no top Makefiles), the rename learned from the
    context is applied as before; the added call then differs from the target's neighbour in its
    string literal only, which is not 'already applied'."""
    d = _variant(tmp_path, "call-the-target-writes-another-way-kept")
    (d / "base/Makefile").unlink()
    (d / "target/Makefile").unlink()
    [h] = _hunks(d)
    assert h.verdict is Verdict.RENAMED, h.reason
    assert "sysfs_emit -> sprintf" in h.reason and not any("already has" in w for w in h.warnings)


def test_call_renamed_when_the_target_lacks_the_old_name(tmp_path):
    d = _variant(tmp_path, "call-the-target-writes-another-way-kept")
    _replace(d / "target/include/linux/sysfs.h", "int sysfs_emit(char *buf, const char *fmt, ...);\n", "")
    [h] = _hunks(d)
    assert h.verdict is Verdict.RENAMED and "sysfs_emit -> sprintf" in h.reason


def test_member_refused_when_the_target_struct_lacks_it(tmp_path):
    d = _variant(tmp_path, "member-the-target-writes-another-way-kept")
    _replace(d / "target/include/linux/quxfb.h", "\t\tchar *screen_buffer;\n", "")
    [h] = _hunks(d)
    assert h.verdict is Verdict.CONFLICT and "`screen_buffer`" in h.reason


def test_member_of_a_renamed_struct_with_other_members_needs_review(tmp_path):
    d = _variant(tmp_path, "struct-member-type-renamed-same-members")
    _replace(d / "target/fs/qux/client/quxacl.h", "\t__le32 sub_auth[15];\n", "\t__le32 sub_auth[15];\n\t__u8 pad;\n")
    [h] = _hunks(d)
    assert h.verdict is Verdict.CONFLICT and "`parsed.owner`" in h.reason


# --- what the patch defines, in any of its hunks ---------------------------------------------

def test_patch_defines_reads_definitions_not_mentions():
    from backport.verify import patch_defines
    added = [("+static bool qux_is_eth(const struct sk_buff *skb)", "+{"),
             ("+\tQUX_STATE_NEW = 4,", "+\tQUX_STATE_OLD,", "+struct qux_meta {", "+typedef u32 qux_id_t;",
              "+static DEFINE_MUTEX(qux_lock);", "+qux_reset(struct qux *q,"),
             ("+\t\tqstats_cpu_drop_inc(q->cpu_qstats);", "+\tif (!qux_is_eth(skb))",
              "+\t\t\t\t  void (*opt_child_init)(struct sock *newsk,")]
    got = patch_defines([tuple(x[1:] for x in a) for a in added])
    assert {"qux_is_eth", "QUX_STATE_NEW", "QUX_STATE_OLD", "qux_meta", "qux_id_t", "qux_lock", "qux_reset", "opt_child_init"} <= got
    assert "qstats_cpu_drop_inc" not in got  # used by a hunk, defined by none


def test_name_two_hunks_use_and_nothing_defines_needs_review(tmp_path):
    """`qux_flush_tx_ring()` called by two hunks of the patch: a call in the other hunk defines
    nothing, so each hunk is told the name is defined nowhere (before, a use elsewhere in the
    patch was taken for a definition, and both hunks were clean)."""
    d = _variant(tmp_path, "helper-from-another-file-of-the-commit")
    patch = d / "patch.diff"
    first = ("@@ -7,5 +7,6 @@ static int qux_open(struct net_device *ndev)\n"
             " \tstruct qux_priv *priv = netdev_priv(ndev);\n \n+\tqux_flush_tx_ring(priv);\n"
             " \tqux_start_queues(priv);\n \treturn 0;\n }\n")
    text = patch.read_text()
    at = text.index("@@")
    patch.write_text(text[:at] + first + text[at:].replace("@@ -16,5 +16,6 @@", "@@ -16,5 +17,6 @@"))
    hunks = _hunks(d)
    assert [h.verdict for h in hunks] == [Verdict.CONFLICT, Verdict.CONFLICT]
    assert all("`qux_flush_tx_ring`" in h.reason for h in hunks)


def test_assignment_continued_from_a_member_access_is_not_a_bare_variable(tmp_path):
    """`walk_state->` on one line and `return_desc = NULL;` on the next (ACPICA's dsmethod.c) assign
    a member, not a variable nothing declares."""
    d = _variant(tmp_path, "helper-from-another-file-of-the-commit")
    patch = d / "patch.diff"
    patch.write_text(patch.read_text().replace("@@ -16,5 +16,6 @@", "@@ -16,5 +16,7 @@").replace(
        "+\tqux_flush_tx_ring(priv);", "+\tpriv->\n+\t    tx_timeouts = 0;"))
    [h] = _hunks(d)
    assert h.verdict.clean, h.reason


# --- a release of what the target's function gets another way ----------------------------------

def test_release_of_what_the_target_gets_the_same_way_is_clean(tmp_path):
    d = _variant(tmp_path, "release-of-what-the-target-gets-another-way")
    shutil.copy(d / "base/net/bluetooth/qux_iso.c", d / "target/net/bluetooth/qux_iso.c")
    [h] = _hunks(d)
    assert h.verdict.clean, h.reason


def test_release_finding_names_both_getters():
    [h] = _hunks(CASES / "release-of-what-the-target-gets-another-way")
    assert h.verdict is Verdict.CONFLICT
    assert "qux_get_sock()" in h.reason and "qux_get_sock_listen()" in h.reason


def test_free_of_memory_the_target_allocates_another_way_is_clean(tmp_path):
    """kmalloc() in one tree and kzalloc() in the other give memory all the same: a kfree() of it
    is no release of something the target may not hold."""
    d = _variant(tmp_path, "release-of-what-the-target-gets-another-way")
    getters = {"base": "qux_get_sock(conn->src, conn->dst, BT_LISTEN)", "target": "qux_get_sock_listen(conn->src, conn->dst)"}
    for side, allocator in (("base", "kmalloc"), ("target", "kzalloc")):
        _replace(d / side / "net/bluetooth/qux_iso.c", f"parent = {getters[side]};", f"parent = {allocator}(64, 0);")
        _replace(d / side / "include/net/bluetooth/qux_iso.h", "void sock_put(struct sock *sk);",
                 "void sock_put(struct sock *sk);\nvoid *kmalloc(int size, int flags);\nvoid *kzalloc(int size, int flags);\n"
                 "void kfree(const void *p);")
    _replace(d / "patch.diff", "+\t\tsock_put(parent);", "+\t\tkfree(parent);")
    [h] = _hunks(d)
    assert not any("releases `parent`" in m for m in (h.reason, *h.warnings)), h.reason


# --- a bracket the hunk adds around kept lines ------------------------------------------------

def test_lock_around_kept_lines_goes_around_them():
    [h] = _hunks(CASES / "lock-around-kept-lines-anchors-apart")
    assert h.verdict is Verdict.DRIFTED and "guess" not in h.reason


def test_a_lone_insertion_between_apart_anchors_is_still_a_guess(tmp_path):
    """Without its closing half, the lock is one line between neighbours the target has 11 lines
    apart: where it goes among them is a guess."""
    d = _variant(tmp_path, "lock-around-kept-lines-anchors-apart")
    _replace(d / "patch.diff", "@@ -35,8 +35,10 @@", "@@ -35,8 +35,9 @@")
    _replace(d / "patch.diff", "+\t\tspin_unlock_bh(&ab->base_lock);\n", "")
    [h] = _hunks(d)
    assert h.verdict is Verdict.CONFLICT and "guess" in h.reason


def test_two_unpaired_calls_around_kept_lines_are_no_bracket(tmp_path):
    d = _variant(tmp_path, "lock-around-kept-lines-anchors-apart")
    _replace(d / "patch.diff", "+\t\tspin_unlock_bh(&ab->base_lock);", "+\t\tspin_lock_bh(&ab->base_lock);")
    [h] = _hunks(d)
    assert h.verdict is Verdict.CONFLICT and "guess" in h.reason


def test_bracket_halves():
    assert verify._bracket(("\tspin_lock_irqsave(&q->lock, flags);",), ("\tspin_unlock_irqrestore(&q->lock, flags);",))
    assert verify._bracket(("\tdown_read(&mm->mmap_lock);",), ("\tup_read(&mm->mmap_lock);",))
    assert verify._bracket(("\trcu_read_lock();",), ("\trcu_read_unlock();",))
    assert verify._bracket(("\tif (qux_ready(q)) {",), ("\t}",))
    assert not verify._bracket(("\tmutex_lock(&a->lock);",), ("\tmutex_unlock(&b->lock);",))
    assert not verify._bracket(("\tqux_flush(q);",), ("\tqux_start(q);",))


def test_no_blank_line_where_the_base_put_the_check_after_declarations(tmp_path):
    """The blank line after the target's declarations is added only where the base's line before
    the added statements was a statement; after a declaration in the base too, the author's own
    spacing stands."""
    d = _variant(tmp_path, "check-placed-after-the-targets-declarations")
    _replace(d / "base/drivers/vdpa/quxsim/quxsim.c", "\tif (!dev_attr->alloc_size)\n\t\treturn ERR_PTR(-EINVAL);\n",
             "\tint alloc_size = dev_attr->alloc_size;\n")
    _replace(d / "patch.diff", "@@ -14,6 +14,8 @@", "@@ -14,5 +14,7 @@")
    _replace(d / "patch.diff", " \tif (!dev_attr->alloc_size)\n \t\treturn ERR_PTR(-EINVAL);\n", " \tint alloc_size = dev_attr->alloc_size;\n")
    [h] = _hunks(d)
    assert h.verdict is Verdict.DRIFTED
    assert not any("blank line" in w for w in h.warnings)


# --- an insertion that keeps the base's paragraph -----------------------------------------------

def test_statement_kept_in_its_paragraph():
    [h] = _hunks(CASES / "statement-kept-in-its-paragraph")
    assert h.verdict is Verdict.DRIFTED and "guess" not in h.reason


def test_paragraph_with_a_return_between_is_still_a_guess(tmp_path):
    """The added line would run on the target's new error path placed after `mutex_init()`,
    and not placed before the next statement: which of the two the fix means is a guess."""
    d = _variant(tmp_path, "statement-kept-in-its-paragraph")
    _replace(d / "target/drivers/net/ethernet/quxmac/quxmac_main.c", "\tspin_lock_init(&priv->fpe_cfg.lock);\n",
             "\tspin_lock_init(&priv->fpe_cfg.lock);\n\tif (!priv->plat)\n\t\treturn -EINVAL;\n")
    [h] = _hunks(d)
    assert h.verdict is Verdict.CONFLICT and "guess" in h.reason


def test_paragraph_the_target_runs_on_is_still_a_guess(tmp_path):
    """Without the blank line after `mutex_init()` in the target, the target's paragraph goes on
    past it: where in it the added line goes is a guess."""
    d = _variant(tmp_path, "statement-kept-in-its-paragraph")
    _replace(d / "target/drivers/net/ethernet/quxmac/quxmac_main.c", "\tmutex_init(&priv->lock);\n\n",
             "\tmutex_init(&priv->lock);\n")
    [h] = _hunks(d)
    assert h.verdict is Verdict.CONFLICT and "guess" in h.reason


def test_declaration_after_the_same_declaration_is_no_guess(tmp_path):
    """rvu_nix.c's nix_smq_flush() (6.1 -> 6.12): `u8 link_level;` added after `u64 cfg, bmap = 0;` (here `int`, `unsigned long`),
    a blank line after it; 6.12 opens the body with a new `if (...) {` block.  A declaration
    stays with the declarations, whatever statements the target has below them."""
    d = _variant(tmp_path, "statement-kept-in-its-paragraph")
    for side in ("base", "target"):
        _replace(d / side / "drivers/net/ethernet/quxmac/quxmac_main.c",
                 "\tstruct quxmac_priv *priv = dev_get_drvdata(device);\n",
                 "\tstruct quxmac_priv *priv = dev_get_drvdata(device);\n\tunsigned long cfg, bmap = 0;\n")
    _replace(d / "target/drivers/net/ethernet/quxmac/quxmac_main.c", "\n\tquxmac_napi_add(priv);\n",
             "\n\tif (!priv->plat) {\n\t\tquxmac_warn(priv);\n\t\treturn -EINVAL;\n\t}\n\n\tquxmac_napi_add(priv);\n")
    (d / "patch.diff").write_text(
        "diff --git a/drivers/net/ethernet/quxmac/quxmac_main.c b/drivers/net/ethernet/quxmac/quxmac_main.c\n"
        "--- a/drivers/net/ethernet/quxmac/quxmac_main.c\n+++ b/drivers/net/ethernet/quxmac/quxmac_main.c\n"
        "@@ -6,6 +6,7 @@ int quxmac_dvr_probe(struct device *device)\n {\n"
        " \tstruct quxmac_priv *priv = dev_get_drvdata(device);\n \tunsigned long cfg, bmap = 0;\n+\tint link_level;\n"
        " \n \tquxmac_napi_add(priv);\n \n")
    [h] = _hunks(d)
    assert h.verdict in (Verdict.DRIFTED, Verdict.OFFSET, Verdict.EXACT) and "guess" not in h.reason


def test_paragraph_bound_either_side():
    """mlx5 eswitch.c (6.1 -> 6.12): the call the fix adds sits right before the next comment and
    statement with a blank line before it; 6.12 has a new `if` between the previous statement and
    that blank line.  The added lines keep the base's paragraph at the spot before the next one;
    nowhere else (not right after the previous statement, not without the blank line)."""
    from backport.cparse import parse
    from backport.locate import make_scope, paragraph_bound
    base = ("void f(struct sw *esw, struct vport *vport)\n{\n\tclear_id(esw);\n\n"
            "\t/* no cleanup is assumed */\n\tchange_handle(vport);\n}\n")
    target = ("void f(struct sw *esw, struct vport *vport)\n{\n\tclear_id(esw);\n\n"
              "\tif (vport->ipsec)\n\t\tesw->ipsec_count--;\n\n"
              "\t/* no cleanup is assumed */\n\tchange_handle(vport);\n}\n")
    bfile, tfile = parse(base), parse(target)
    s = make_scope("a.c", bfile, bfile.functions[0], "a.c", tfile, tfile.functions[0])
    added = ("\tapply_rx_mode(esw, vport);",)
    assert paragraph_bound(s, 5, 8, added)  # before the comment, the blank line before it
    assert not paragraph_bound(s, 5, 4, added)  # right after clear_id(): not the base's shape
    assert not paragraph_bound(s, 5, 8, ("",) + added)  # lines that bring their own blank line


def test_an_assignment_the_target_already_has_is_a_partial_already_applied():
    [h] = _hunks(CASES / "replaced-lines-add-a-statement-the-target-has")
    assert h.verdict is Verdict.CONFLICT and "already has `soc_bus_registered = true;`" in h.reason


def test_a_function_the_target_file_already_defines_is_not_added_twice():
    """hisi_sas_v3_hw.c (6.1 -> 6.12): the fix adds `debugfs_dump_is_generated_v3_hw()`, which
    6.12's file already defines: a second definition does not build."""
    from backport.cparse import parse
    from backport.locate import Block, Edit, make_scope
    added = ("static bool qux_dump_done(struct qux *q)", "{", "\treturn q->done;", "}", "")
    base = parse("static int a;\n\nvoid qux_probe(void)\n{\n}\n")
    target = parse("static int a;\n\nstatic bool qux_dump_done(struct qux *q)\n{\n\treturn q->done;\n}\n\n"
                   "void qux_probe(void)\n{\n}\n")
    s = make_scope("a.c", base, None, "a.c", target, None)
    h = verify.HunkCode(1, s, added, (), (Block(3, (), added),), (Edit(8, 0, added),))
    [f] = verify.redefined_findings(h)
    assert f.severity is Severity.REVIEW and "`qux_dump_done`" in f.message and "line 3" in f.message
    fresh = make_scope("a.c", base, None, "a.c", base, None)
    assert verify.redefined_findings(verify.HunkCode(1, fresh, added, (), (Block(3, (), added),), (Edit(3, 0, added),))) == []


# --- what the compiler would say of the port: declarations, orders, macros ------------------

def test_static_helper_called_above_its_definition_needs_review():
    h, = _hunks(CASES / "static-helper-defined-below-the-call")
    assert h.verdict is Verdict.CONFLICT and "first declared at line 23" in h.reason


def test_static_helper_with_a_prototype_in_the_target_is_clean(tmp_path):
    d = _variant(tmp_path, "static-helper-defined-below-the-call")
    _replace(d / "target/drivers/scsi/quux_sd.c", '#include "quux_sd.h"\n',
             '#include "quux_sd.h"\n\nstatic void quux_uninit_command(struct quux_cmnd *cmd);\n')
    h, = _hunks(d)
    assert h.verdict is Verdict.EXACT, h.reason


def test_static_helper_defined_below_in_the_base_too_is_not_the_ports_doing(tmp_path):
    d = _variant(tmp_path, "static-helper-defined-below-the-call")
    _replace(d / "base/drivers/scsi/quux_sd.c", "static void quux_uninit_command(struct quux_cmnd *cmd);\n\n", "")
    h, = _hunks(d)
    assert h.verdict is not Verdict.CONFLICT and "first declared" not in " ".join(h.warnings), h.reason


def test_macro_whose_parameter_count_changed_needs_review():
    h, = _hunks(CASES / "macro-takes-other-arguments-in-target")
    assert h.verdict is Verdict.CONFLICT and "`__assign_str()` takes 2 argument(s) in the target" in h.reason


def test_macro_with_the_same_parameter_count_is_clean(tmp_path):
    d = _variant(tmp_path, "macro-takes-other-arguments-in-target")
    _replace(d / "target/include/linux/quux_trace.h", "#define __assign_str(dst, src) quux_copy_str(dst, src)",
             "#define __assign_str(dst) quux_copy_str(dst)")
    h, = _hunks(d)
    assert h.verdict is Verdict.DRIFTED, h.reason


def test_member_neither_tree_has_is_an_incomplete_input():
    h, = _hunks(CASES / "input-lacks-the-part-that-adds-a-member")
    assert h.verdict is Verdict.CONFLICT and "nor in the base, and this patch adds none" in h.reason


def test_member_another_hunk_of_the_patch_adds_is_clean(tmp_path):
    d = _variant(tmp_path, "input-lacks-the-part-that-adds-a-member")
    head, _, rest = (d / "patch.diff").read_text().partition("@@ ")
    struct_hunk = ("@@ -6,6 +6,7 @@ struct quux {\n \tstruct hid_device *hdev;\n \tu8 *rxbuf;\n \tint rxbuf_idx;\n"
                   "+\tint rxbuf_size;\n };\n \n static int quux_raw_event(struct hid_device *hdev, u8 *data, int size)\n")
    rest = re.sub(r"^(-\d+,\d+) \+(\d+)", lambda m: f"{m[1]} +{int(m[2]) + 1}", rest)  # one line further down
    (d / "patch.diff").write_text(head + struct_hunk + "@@ " + rest)
    hunks = _hunks(d)
    assert len(hunks) == 2 and all(h.verdict in (Verdict.EXACT, Verdict.OFFSET, Verdict.DRIFTED) for h in hunks), [h.reason for h in hunks]


def test_added_read_of_a_local_only_the_base_declares_needs_review():
    h, = _hunks(CASES / "added-lines-read-a-local-the-target-lacks")
    assert h.verdict is Verdict.CONFLICT and "reads `flags`, which the target's function does not declare" in h.reason


def test_added_read_of_a_local_the_target_declares_is_not_asked(tmp_path):
    d = _variant(tmp_path, "added-lines-read-a-local-the-target-lacks")
    _replace(d / "target/drivers/vhost/quux_vdpa.c", "\tvoid *old;\n\n\tspin_lock(", "\tunsigned long flags;\n\tvoid *old;\n\n\tspin_lock(")
    h, = _hunks(d)
    assert h.verdict is not Verdict.CONFLICT and "reads `flags`" not in " ".join(h.warnings), h.reason


def test_added_names_without_evidence_of_a_local_are_not_asked():
    """A type in a cast, a function passed by name, a header's global: nothing says they are
    locals, so their absence from the function is no finding."""
    from backport.cparse import parse
    from backport.locate import Scope
    text = ("static int f(struct s *p)\n{\n\tint n;\n\n\tn = 1;\n\treturn n;\n}\n"
            "static void g(void)\n{\n\tint flags;\n\n\tflags = 0;\n}\n")
    cfile = parse(text)
    scope = Scope("a.c", "a.c", "f", (1, 7), (1, 7), cfile, cfile, None)  # type: ignore[arg-type]
    h = verify.HunkCode(1, scope, ("\tp->fn = my_handler;", "\tp->len = (u32)jiffies;", "\tp->f = flags;"))
    assert verify._read_undeclared(h, set()) == {"flags": False}


def test_removed_global_whose_last_use_another_hunk_removes_is_clean(tmp_path):
    d = _variant(tmp_path, "input-removes-a-global-the-target-still-uses")
    for side in ("base", "target"):
        _replace(d / side / "net/rds/quux_tcp.c", "\tatomic_inc(&quux_tc_count);\n", "")
    patch = (d / "patch.diff").read_text()
    (d / "patch.diff").write_text(patch.replace("@@ -14,7 +13,7 @@", "@@ -13,7 +12,7 @@")
                                  .replace("@@ -2,7 +2,6 @@", "@@ -2,7 +2,6 @@"))
    hunks = _hunks(d)
    assert [h.verdict for h in hunks] == [Verdict.EXACT, Verdict.OFFSET], [h.reason for h in hunks]


def test_removed_global_still_used_names_the_missing_part():
    first, _ = _hunks(CASES / "input-removes-a-global-the-target-still-uses")
    assert first.verdict is Verdict.CONFLICT and "the input lacks the part of its change" in first.reason


def test_call_with_a_count_neither_tree_takes_is_an_incomplete_input():
    h, = _hunks(CASES / "input-calls-with-arguments-neither-tree-takes")
    assert h.verdict is Verdict.CONFLICT and "passes 3 argument(s); it takes 2 in the target and in the base" in h.reason


def test_call_whose_function_the_patch_changes_too_is_not_asked(tmp_path):
    d = _variant(tmp_path, "input-calls-with-arguments-neither-tree-takes")
    patch = (d / "patch.diff").read_text()
    head, _, rest = patch.partition("@@ ")
    proto = ("@@ -1,7 +1,8 @@\n // SPDX-License-Identifier: GPL-2.0\n #include \"quux_socket.h\"\n \n"
             "-static int quux_wait_for_connect(struct quux_assoc *, long *timeo_p);\n"
             "+static int quux_wait_for_connect(struct quux_assoc *, struct quux_transport *,\n"
             "+\t\t\t\t long *timeo_p);\n \n int quux_sendmsg_to_asoc(struct quux_assoc *asoc, struct quux_transport *transport, long timeo)\n {\n")
    rest = re.sub(r"^(-\d+,\d+) \+(\d+)", lambda m: f"{m[1]} +{int(m[2]) + 1}", rest)
    (d / "patch.diff").write_text(head + proto + "@@ " + rest)
    hunks = _hunks(d)
    assert [h.verdict for h in hunks] == [Verdict.EXACT, Verdict.EXACT], [h.reason for h in hunks]


def test_call_through_a_member_is_not_held_to_a_function_of_that_name(tmp_path):
    d = _variant(tmp_path, "input-calls-with-arguments-neither-tree-takes")
    _replace(d / "patch.diff", "+\t\terr = quux_wait_for_connect(asoc, transport, &timeo);",
             "+\t\terr = asoc->ops->quux_wait_for_connect(asoc, transport, &timeo);")
    h, = _hunks(d)
    assert h.verdict is not Verdict.CONFLICT, h.reason


def test_call_to_a_function_whose_head_the_patch_changes_is_not_asked(tmp_path):
    """The patch gives the function another parameter on its head's last line (dpaa2-switch.c's
    ``void *fd_vaddr)``): no added line names the function, but its count is the patch's."""
    d = _variant(tmp_path, "input-calls-with-arguments-neither-tree-takes")
    for side in ("base", "target"):
        _replace(d / side / "net/sctp/quux_socket.c", "static int quux_wait_for_connect(struct quux_assoc *, long *timeo_p);\n\n", "")
        _replace(d / side / "net/sctp/quux_socket.c", "static int quux_wait_for_connect(struct quux_assoc *asoc, long *timeo_p)\n{",
                 "static int quux_wait_for_connect(struct quux_assoc *asoc,\n\t\t\t\t long *timeo_p)\n{")
        _replace(d / side / "net/sctp/quux_socket.c", "int quux_sendmsg_to_asoc(", "static int quux_wait_for_connect(struct quux_assoc *asoc,\n"
                 "\t\t\t\t long *timeo_p)\n{\n\treturn quux_wait(asoc, *timeo_p);\n}\n\nint quux_sendmsg_to_asoc(")
    base = (d / "base/net/sctp/quux_socket.c").read_text()
    after = base.replace("\t\t\t\t long *timeo_p)\n{\n\treturn", "\t\t\t\t struct quux_transport *transport, long *timeo_p)\n{\n\treturn", 1)
    after = after.replace("\t\terr = quux_wait_for_connect(asoc, &timeo);", "\t\terr = quux_wait_for_connect(asoc, transport, &timeo);")
    (d / "patch.diff").write_text(_diff("net/sctp/quux_socket.c", base, after, tmp_path))
    hunks = _hunks(d)
    assert hunks and not any(h.verdict is Verdict.CONFLICT for h in hunks), [h.reason for h in hunks]


def _diff(path: str, before: str, after: str, tmp_path: Path) -> str:
    import subprocess
    a, b = tmp_path / "diff" / "a" / path, tmp_path / "diff" / "b" / path
    for f, text in ((a, before), (b, after)):
        f.parent.mkdir(parents=True, exist_ok=True)
        f.write_text(text)
    out = subprocess.run(["git", "diff", "--no-index", "--no-prefix", f"a/{path}", f"b/{path}"], cwd=tmp_path / "diff",
                         capture_output=True, text=True).stdout
    return "".join(x for x in out.splitlines(True) if not x.startswith("index "))


def test_removed_declaration_the_patch_redeclares_with_an_annotation_is_clean(tmp_path):
    """lockd/svc.c: ``-const struct nlmsvc_binding *nlmsvc_ops;`` / ``+const struct nlmsvc_binding
    __rcu *nlmsvc_ops;`` keeps the variable declared: sparse's annotations are no part of the name."""
    d = _variant(tmp_path, "input-removes-a-global-the-target-still-uses")
    for side in ("base", "target"):
        (d / side / "include/linux").mkdir(parents=True)
        (d / side / "include/linux/compiler_types.h").write_text("# define __percpu\n")
    _replace(d / "patch.diff", "-static atomic_t quux_tc_count;\n", "-static atomic_t quux_tc_count;\n+static atomic_t __percpu quux_tc_count;\n")
    _replace(d / "patch.diff", "@@ -2,7 +2,6 @@", "@@ -2,7 +2,7 @@")
    _replace(d / "patch.diff", "@@ -13,7 +12,7 @@", "@@ -13,7 +13,7 @@")
    first, _ = _hunks(d)
    assert first.verdict is not Verdict.CONFLICT, first.reason


def test_scoped_iterators_declare_their_variable():
    """``for_each_available_child_of_node_scoped(np, child)`` declares ``child`` (qcom-ebi2.c): the
    patch that drops ``struct device_node *child;`` for it leaves nothing undeclared."""
    assert verify.scoped_iterators(["\tfor_each_available_child_of_node_scoped(np, child) {",
                                    "\tdevice_for_each_child_node_scoped(dev, fwnode)", "\tfor_each_child_of_node(np, c)"]) \
        == {"child", "fwnode"}
    from backport.clex import declared_locals
    assert declared_locals(["\tstruct foo *p __free(kfree) = NULL;", "const struct b __rcu *ops;", "__u32 v;"]) == {"p", "ops", "v"}


def test_renamed_member_of_another_type_needs_review():
    h, = _hunks(CASES / "renamed-member-has-another-type")
    assert h.verdict is Verdict.CONFLICT and "is `struct quux_inode *` in the target, where the base's is `struct inode *`" \
        in h.reason


def test_renamed_member_of_the_same_type_stays_renamed(tmp_path):
    d = _variant(tmp_path, "renamed-member-has-another-type")
    _replace(d / "target/fs/quuxfs/compression.h", "struct quux_bio {\n\tstruct quux_inode *inode;", "struct quux_bio {\n\tstruct inode *inode;")
    h, = _hunks(d)
    assert h.verdict is Verdict.RENAMED, h.reason
