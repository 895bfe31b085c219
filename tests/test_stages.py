"""Unit tests, one group per pipeline stage."""
import re
import shutil

import pytest

from backport import cparse
from backport.align import align
from backport.base import repair_patch
from backport.errors import BaseMismatch
from backport.indent import Indenter
from backport.ingest import read_patches
from backport.locate import Edit
from backport.model import diff_text
from backport.regenerate import Text, make_hunks
from backport.renames import RenameMap, explained, learn_from
from backport.tree import DirTree
from conftest import DEMO, SEED, apply_check, git, make_repo

FUNC = """static int helper(void)
{
\treturn 1;
}

void delete_from_swap_cache(struct page *page)
{
\tswp_entry_t entry;

\tspin_lock_irq(&address_space->tree_lock);
\t__delete_from_swap_cache(page);
\tspin_unlock_irq(&address_space->tree_lock);
\t/*
\t * a comment
\t * on two lines
\t */
\tswapcache_free(entry);
\tput_page(page);
}
"""


# -- cparse -----------------------------------------------------------------

def test_units_partition_statements_and_comments():
    c = cparse.parse(FUNC)
    keys = [u.key for u in c.units_between(6, 19)]
    assert "spin_lock_irq ( & address_space -> tree_lock ) ;" in keys
    assert "/* a comment on two lines */" in keys
    comment = next(u for u in c.units if u.kind == "comment")
    assert (comment.start, comment.end) == (13, 16)


def test_functions_found_with_their_lines():
    c = cparse.parse(FUNC)
    assert [(f.name, f.start, f.end) for f in c.functions] == [("helper", 1, 4), ("delete_from_swap_cache", 6, 19)]
    assert c.function_at(12).name == "delete_from_swap_cache"


def test_kernel_macro_function_found_by_text_and_errors_counted():
    src = "SYSCALL_DEFINE1(foo, int, x)\n{\n\tlist_for_each_entry(p, &h, l) {\n\t\tbar(p)\n\t}\n}\n"
    c = cparse.parse(src)
    assert c.errors > 0
    assert c.function_at(4) is not None


# -- indent (whitespace repair of added lines) --------------------------------

def test_indenter_restores_comment_and_continuation_alignment():
    ind = Indenter()
    for line in ["\t\tif (!has_cache && count)", "\t\t\thas_cache = SWAP_HAS_CACHE;"]:
        ind.see(line)
    ind.see("\t\telse if (has_cache)\t\t/* someone else added cache */", removed=True)
    out = []
    for text in ["/*", "* skip entries", "*/", "else if (has_cache &&", "(count || !(p->flags & SWP_WRITEOK)))"]:
        out.append(ind.place(text))
        ind.see(out[-1])
    assert out == ["\t\t/*", "\t\t * skip entries", "\t\t */", "\t\telse if (has_cache &&",
                   "\t\t\t (count || !(p->flags & SWP_WRITEOK)))"]


# -- base ---------------------------------------------------------------------

def test_seed_repaired_against_demo_base_applies_byte_for_byte(tmp_path):
    patch = read_patches(str(SEED))[0]
    fixed, repairs = repair_patch(patch, DirTree(str(DEMO / "4.9.117")))
    assert len(repairs) == 4 and all(r.restored for r in repairs)
    tree = tmp_path / "t"
    shutil.copytree(DEMO / "4.9.117", tree)
    run = apply_check(tree, diff_text(fixed.files))
    assert run.returncode == 0, run.stderr


def test_wrong_base_is_a_clear_error():
    patch = read_patches(str(SEED))[0]
    with pytest.raises(BaseMismatch, match="does not match base"):
        repair_patch(patch, DirTree(str(DEMO / "5.4")))


# -- align and renames ------------------------------------------------------

def _units(src):
    c = cparse.parse(src)
    return c, c.units_between(1, len(c.lines))


def test_alignment_pairs_exact_and_changed_statements():
    base = "void f(void)\n{\n\ta();\n\tswapcache_free(entry);\n\tb();\n}\n"
    target = "void f(void)\n{\n\ta();\n\tput_swap_page(page, entry);\n\tb();\n}\n"
    _, bu = _units(base)
    _, tu = _units(target)
    pairs = align(bu, tu).pairs
    changed = [p for p in pairs if not p.exact]
    assert len(changed) == 1 and changed[0].base.start == 4 and changed[0].target.start == 4
    taught = learn_from(changed[0], "f", "evidence")
    assert [(t.old, t.new, t.scope, t.pure) for t in taught] == [("swapcache_free", "put_swap_page", None, False)]
    assert explained(changed[0], RenameMap(taught), "f")


def test_unrelated_statement_is_not_explained():
    base = "void f(void)\n{\n\ta();\n\tfoo(x);\n\tb();\n}\n"
    target = "void f(void)\n{\n\ta();\n\tbar(y, z);\n\tb();\n}\n"
    pair = [p for p in align(_units(base)[1], _units(target)[1]).pairs if not p.exact][0]
    assert not explained(pair, RenameMap([]), "f")


# -- regenerate ---------------------------------------------------------------

def test_hunks_match_git_diff_byte_for_byte(tmp_path):
    old = FUNC
    edits = [Edit(12, 0, ("\tpreempt_disable();",)), Edit(17, 1, ("\tput_swap_page(page, entry);",))]
    text = Text.of(old)
    hunks = make_hunks(text, [(0, e) for e in edits])
    ours = "".join(h.text() for h, _ in hunks)
    repo = make_repo(tmp_path / "r", {"v1": {"f.c": old}})
    new = old.replace("\t__delete_from_swap_cache(page);\n", "\t__delete_from_swap_cache(page);\n\tpreempt_disable();\n")
    new = new.replace("\tswapcache_free(entry);\n", "\tput_swap_page(page, entry);\n")
    (repo / "f.c").write_text(new)
    theirs = git(repo, "diff", "-U3", "f.c")
    theirs = theirs[theirs.index("@@"):]
    assert ours == theirs


def test_failed_verification_makes_placed_hunks_conflicts():
    from backport.judge import Facts, Placed, judge
    from backport.model import Finding, FindingKind, Severity, Verdict
    placed = Placed(None, (), False, True, 3, False)
    assert judge(Facts((), False, placed)).verdict == Verdict.OFFSET
    failed = Finding(FindingKind.CHECK, Severity.REVIEW, "git apply --check failed: error: patch failed: mm/a.c:3")
    j = judge(Facts((failed,), False, placed))
    assert j.verdict == Verdict.CONFLICT and "git apply --check failed" in j.reason


def test_one_c_line_lexer():
    """cparse's line lexer, shared by the checks, the renames in comments and the regenerated hunks."""
    from backport.cparse import code_of, split_comment, split_line
    assert split_line("\t*p = x; /* keep */") == ("\t*p = x; ", "/*", " keep */")  # code, not a comment line
    assert split_line("\t * the lock is held") == ("", "", "* the lock is held")
    assert split_line("\t*/") == ("", "", "*/")
    assert split_comment("\t * the lock is held") == ("\t ", "* the lock is held")
    assert split_comment("\tfoo(); // why") == ("\tfoo(); ", "// why")
    assert split_comment("\t*p = x;") == ("\t*p = x;", "")
    assert code_of('\tpr_err("a /* b */ %c", \'"\'); /* c */') == '\tpr_err("", 0); '


def test_a_function_found_by_its_text_is_said(tmp_path):
    """tree-sitter gives up on g() after a broken f(); the hunk in g() is still ported, and the
    report says the function was found by its text (an info finding: the verdict stays)."""
    from backport.ingest import parse_patches
    from backport.pipeline import port
    from backport.tree import DirTree
    src = ("static int f(int a)\n{\n\tint x = a +;\n\t}}\n\treturn (x;\n}\n\n"
           "int g(void)\n{\n\tint y = 1;\n\n\ty++;\n\treturn y;\n}\n")
    for side in ("base", "target"):
        (tmp_path / side / "mm").mkdir(parents=True)
        (tmp_path / side / "mm" / "g.c").write_text(src)
    diff = ("--- a/mm/g.c\n+++ b/mm/g.c\n@@ -10,5 +10,6 @@ int g(void)\n \tint y = 1;\n \n"
            " \ty++;\n+\ty++;\n \treturn y;\n }\n")
    patch = parse_patches(diff.encode(), "g.patch")[0]
    (tmp_path / "scratch").mkdir()
    result = port(patch, DirTree(str(tmp_path / "base")), [DirTree(str(tmp_path / "target"))],
                  scratch=str(tmp_path / "scratch"))
    (hunk,) = result.targets[0].hunks
    assert hunk.verdict.value == "exact"
    said = [w for w in hunk.warnings if "found by its text" in w and "g()" in w]
    assert said and "the base (" in said[0] and " and the target (" in said[0], hunk.warnings
    assert re.search(r"the base \(\d+ ERROR nodes? in the file\)", said[0]), said
