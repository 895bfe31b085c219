"""The verify stage: check a regenerated patch before anyone trusts it.

* ``git apply --check`` of the whole patch on a scratch copy of the touched
  target files (never on the user's checkout);
* re-parse: the changed functions have no more tree-sitter ERROR nodes after
  the change than before;
* symbols: every identifier the added lines use (in code, and ``name()`` in
  comments) exists in the target tree, and the target's function still uses
  it where the base's function did.
"""
from __future__ import annotations

import os
import re
import subprocess
import tempfile
from pathlib import Path

from .cparse import CFile, function_errors, identifiers
from .model import Check
from .tree import Tree, encode

_KEYWORDS = frozenset("""auto break case char const continue default do double else enum extern float
for goto if inline int long register restrict return short signed sizeof static struct switch typedef
union unsigned void volatile while bool true false NULL""".split())
_MENTION = re.compile(r"\b([A-Za-z_]\w*)\(\)")


def apply_check(diff: str, originals: dict[str, str], scratch: str | None) -> Check:
    """``git apply --check`` of ``diff`` on copies of the target files it touches."""
    with tempfile.TemporaryDirectory(dir=scratch, prefix="verify-") as tmp:
        root = Path(tmp)
        for path, text in originals.items():
            (root / path).parent.mkdir(parents=True, exist_ok=True)
            (root / path).write_bytes(encode(text))
        env = dict(os.environ, GIT_CEILING_DIRECTORIES=str(root.parent))
        run = subprocess.run(["git", "apply", "--check", "-"], input=encode(diff), cwd=root,
                             env=env, capture_output=True)
    detail = run.stderr.decode("utf-8", "replace").strip().splitlines()
    return Check("git apply --check", run.returncode == 0, detail[0] if detail else "applies cleanly")


def reparse_check(path: str, before: CFile, after_text: str, functions: set[str],
                  base_growth: dict[str, int]) -> Check:
    """The changed functions gain no more ERROR nodes in the target than the
    reference change gave them in the base (kernel macros in added lines
    can confuse tree-sitter in both)."""
    after = function_errors(after_text)
    worse = []
    for name in sorted(functions):
        old, new = before.function(name), after.get(name)
        if old and not old.by_text and new is not None and new - old.errors > base_growth.get(name, 0):
            worse.append(f"{name}() {old.errors} -> {new}")
    detail = "ERROR nodes grew in " + ", ".join(worse) if worse else f"{path}: no new ERROR nodes"
    return Check("re-parse", not worse, detail)


def error_growth(before: CFile, after_text: str, functions: set[str]) -> dict[str, int]:
    """ERROR nodes each function gained from a change."""
    after = function_errors(after_text)
    growth = {}
    for name in functions:
        old, new = before.function(name), after.get(name)
        if old and new is not None:
            growth[name] = new - old.errors
    return growth


def used_symbols(added: list[str]) -> tuple[set[str], set[str]]:
    """(identifiers in code, names mentioned as ``name()`` in comments) of added lines."""
    code, mentioned = set(), set()
    for line in added:
        text, _, comment = _split(line)
        code.update(i for i in identifiers(_strip_strings(text)) if i not in _KEYWORDS)
        mentioned.update(_MENTION.findall(comment))
    return code, mentioned


def code_of(line: str) -> str:
    """The code part of an added line: no comment, string literals emptied."""
    return _strip_strings(_split(line)[0])


def _split(line: str) -> tuple[str, str, str]:
    stripped = line.strip()
    if stripped.startswith(("*", "/*", "//")):
        return "", "", stripped
    for marker in ("/*", "//"):
        if marker in line:
            head, _, tail = line.partition(marker)
            return head, marker, tail
    return line, "", ""


def _strip_strings(text: str) -> str:
    return re.sub(r'"(?:[^"\\]|\\.)*"', '""', text)


def missing_symbols(names: set[str], target: Tree, near: tuple[str, ...], known: set[str],
                    whole_tree: bool = True) -> set[str]:
    """Names that occur nowhere in the target tree.

    ``known`` (identifiers of the target files already read) answers most of
    them; the rest are looked up with fixed-string ``git grep -w``, first in
    ``near`` (the file's directory, include/), then in the whole tree.
    """
    unknown = {n for n in names if n not in known}
    passes = ([near] if near else []) + ([("*.c", "*.h", "*.S")] if whole_tree else [])
    for paths in passes:
        if not unknown:
            break
        unknown -= _found(sorted(unknown), target, paths)
    return unknown


def _found(names: list[str], target: Tree, paths: tuple[str, ...]) -> set[str]:
    found: set[str] = set()
    for chunk in range(0, len(names), 64):
        part = names[chunk:chunk + 64]
        found.update(target.words(part, paths))
    return found


def dropped_uses(names: set[str], base_scope_text: str, target_scope_text: str) -> set[str]:
    """Names the base function uses that the target function no longer does."""
    base_ids, target_ids = set(identifiers(base_scope_text)), set(identifiers(target_scope_text))
    return {n for n in names if n in base_ids and n not in target_ids}
