"""The C line lexer: literals read left to right, columns kept where they matter."""
from __future__ import annotations

from backport.clex import code_of, literal_spans, mask_literals, strip_strings
from backport.indent import columns, open_paren_column
from backport.regenerate import rewrite


def test_an_apostrophe_in_a_string_is_no_character_literal():
    assert strip_strings("pr_info(\"can't map %c\\n\", 'x');") == 'pr_info("", 0);'
    assert code_of("\tpr_info(\"can't\", dev); /* why */") == '\tpr_info("", dev); '


def test_literals_masked_keep_their_length():
    line = '\tpr_err("bad (%d)\\n", foo(a,'
    assert len(mask_literals(line)) == len(line)
    assert [line[s:e] for s, e in literal_spans(line)] == ['"bad (%d)\\n"']


def test_continuation_column_counts_the_string_before_the_parenthesis():
    line = '\tpr_err("bad (%d)\\n", foo(a,'
    assert open_paren_column(line) == columns(line[:line.index("foo(") + 4])
    assert open_paren_column("\tx = f(a, /* (b */") == columns("\tx = f(")


def test_renames_skip_string_and_character_literals():
    assert rewrite("\tfoo('\"', foo); \"foo\"", {"foo": "bar"})[0] == "\tbar('\"', bar); \"foo\""
