"""Sources and the parse cache: one parse per file content, keyed by its git blob id."""
from __future__ import annotations

from backport.sources import ParseCache, Sources
from backport.tree import GitTree, Repository, blob_id
from conftest import git, make_repo

SAME = "int same(void)\n{\n\treturn 1;\n}\n"


def test_blob_id_is_git_object_id(tmp_path):
    repo = make_repo(tmp_path / "r", {"v1": {"a.c": SAME}})
    assert blob_id(SAME) == git(repo, "rev-parse", "v1:a.c").strip()


def test_a_file_the_same_in_the_base_and_a_target_is_parsed_once(tmp_path):
    repo = make_repo(tmp_path / "r", {"v1": {"a.c": SAME, "b.c": "int b;\n"},
                                      "v2": {"a.c": SAME, "b.c": "int b2;\n"}})
    r = Repository(str(repo))
    one = Sources(GitTree(r, "v1"))
    one.file("a.c")
    two = Sources(GitTree(r, "v2"), ParseCache(shared=one.cache))
    assert one.file("a.c") is two.file("a.c")
    assert one.file("b.c") is not two.file("b.c")
    assert one.file("b.c").lines != two.file("b.c").lines
    assert one.file("missing.c") is None


def test_c_and_other_files_parse_differently_from_the_same_content(tmp_path):
    repo = make_repo(tmp_path / "r", {"v1": {"a.c": SAME, "a.txt": SAME}})
    src = Sources(GitTree(Repository(str(repo)), "v1"))
    assert src.file("a.c").functions and not src.file("a.txt").functions
