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
from collections.abc import Sequence
from contextlib import closing
from dataclasses import dataclass
from functools import lru_cache
from itertools import islice
from pathlib import Path

from . import arity, headers, structs
from .clex import call_arguments, declared_locals, split_comment, top_commas
from .cparse import CFile, code_of, function_errors, identifiers, split_line, strip_strings  # noqa: F401 - code_of: verify.code_of
from .encoding import encode
from .locate import Block, Edit, Scope, paragraph_bound
from .model import Check, Finding, FindingKind, Rename, Severity
from .overlay import in_pathspecs
from .sources import home, visible_headers
from .tree import GitTree, Tree, kernel_version

_KEYWORDS = frozenset("""auto break case char const continue default do double else enum extern float
for goto if inline int long register restrict return short signed sizeof static struct switch typedef
union unsigned void volatile while bool true false NULL""".split())
_MENTION = re.compile(r"\b([A-Za-z_]\w*)\(\)")


def apply_check(diff: str, originals: dict[str, str], scratch: str | None, tree: Tree | None = None) -> Check:
    """``git apply --check`` of ``diff`` on the target files it touches (``originals``: path ->
    text of ``tree``).  Where the repository stores every one of them, git reads them from its
    objects through an index in the scratch directory; else they are copied there as files."""
    stored = {p: tree.stored(p) for p in originals} if tree is not None else {}
    with tempfile.TemporaryDirectory(dir=scratch, prefix="verify-") as tmp:
        if tree is not None and originals and all(stored.values()):
            run = tree.check_applies(encode(diff), {p: s for p, s in stored.items() if s}, tmp)
        else:
            run = _apply_on_copies(diff, originals, Path(tmp))
    detail = run.stderr.decode("utf-8", "replace").strip().splitlines()
    return Check("git apply --check", run.returncode == 0, detail[0] if detail else "applies cleanly")


def _apply_on_copies(diff: str, originals: dict[str, str], root: Path) -> subprocess.CompletedProcess:
    """``git apply --check`` on copies of the files under ``root``, outside any repository."""
    for path, text in originals.items():
        (root / path).parent.mkdir(parents=True, exist_ok=True)
        (root / path).write_bytes(encode(text))
    env = dict(os.environ, GIT_CEILING_DIRECTORIES=str(root.parent))
    return subprocess.run(["git", "apply", "--check", "-"], input=encode(diff), cwd=root, env=env,
                          capture_output=True)


def reparse_check(path: str, before: CFile, after: dict[str, int], functions: set[str],
                  base_growth: dict[str, int]) -> Check:
    """The changed functions gain no more ERROR nodes in the target (``after``: ERROR nodes per
    function of the patched file) than the reference change gave them in the base (kernel macros
    in added lines can confuse tree-sitter in both)."""
    gained = grown(before, after, functions)
    worse = [f"{name}() {after[name] - more} -> {after[name]}" for name, more in sorted(gained.items())
             if more > base_growth.get(name, 0)]
    detail = "ERROR nodes grew in " + ", ".join(worse) if worse else f"{path}: no new ERROR nodes"
    return Check("re-parse", not worse, detail)


def grown(before: CFile, after: dict[str, int], functions: set[str]) -> dict[str, int]:
    """name -> ERROR nodes gained, of the functions (parsed as C, not found by their text) that
    have more of them after a change."""
    gained = {}
    for name in functions:
        old, new = before.function(name), after.get(name)
        if old and not old.by_text and new is not None and new > old.errors:
            gained[name] = new - old.errors
    return gained


def used_symbols(added: list[str]) -> tuple[set[str], set[str]]:
    """(identifiers in code, names mentioned as ``name()`` in comments) of added lines."""
    code: set[str] = set()
    mentioned: set[str] = set()
    for line in added:
        text, _, comment = split_line(line)
        code.update(i for i in identifiers(strip_strings(text)) if i not in _KEYWORDS)
        mentioned.update(_MENTION.findall(comment))
    return code, mentioned


def missing_symbols(names: set[str], target: Tree, paths: tuple[str, ...], known: set[str]) -> set[str]:
    """Of ``names``, those in code nowhere under ``paths`` of the target.

    ``known`` (identifiers of the target files already read) answers most of
    them; the rest are looked up with fixed-string ``git grep -w``.
    """
    unknown = {n for n in names if n not in known}
    if unknown and paths:
        unknown -= _found(sorted(unknown), target, paths)
    return unknown


def _found(names: list[str], target: Tree, paths: tuple[str, ...]) -> set[str]:
    """The names that occur in code (not only in comments or strings) under ``paths``."""
    found: set[str] = set()
    for chunk in range(0, len(names), 64):
        part = names[chunk:chunk + 64]
        hits = target.word_lines(part, paths)  # the names found and their lines, from one search
        seen, lines = hits if hits is not None else (target.words(part, paths), None)
        found.update(_in_code(sorted(seen), target, paths, lines))
    return found


def _in_code(names: list[str], target: Tree, paths: tuple[str, ...], lines: list[str] | None = None) -> set[str]:
    """Of names known to occur under ``paths``, those with a hit outside comments and strings
    (``lines``: the text of the lines there that hold them, when known)."""
    if not names:
        return set()
    found: set[str] = set()
    wanted = set(names)
    if lines is None:
        lines = [text for _, _, text in target.grep("|".join(names), paths=paths, word=True, fixed=False)]
    for text in lines:
        found.update(wanted & set(identifiers(code_of(text))))
        if found == wanted:
            break
    return found


def dropped_uses(names: set[str], base_scope_text: str, target_scope_text: str) -> set[str]:
    """Names the base function uses that the target function no longer does."""
    base_ids, target_ids = set(identifiers(base_scope_text)), set(identifiers(target_scope_text))
    return {n for n in names if n in base_ids and n not in target_ids}


# ---------------------------------------------------------------------------
# checks of the added lines against the target, as findings


@dataclass(frozen=True)
class HunkCode:
    """What the checks read of one placed hunk: its scope and the lines it adds."""

    key: int
    scope: Scope
    added: tuple[str, ...]
    removed: tuple[str, ...] = ()
    blocks: tuple[Block, ...] = ()  # the reference hunk's change blocks (base lines)
    edits: tuple[Edit, ...] = ()  # the same blocks as written for the target (target lines)
    renames: tuple[Rename, ...] = ()  # what the port respelled in its lines


def _finding(kind: FindingKind, severity: Severity, message: str, *evidence: str) -> Finding:
    return Finding(kind, severity, message, tuple(evidence))


def check_symbols(todo: list[HunkCode], all_added: list[tuple[str, ...]], base: Tree,
                  target: Tree) -> dict[int, list[Finding]]:
    """Names the added lines use that the target lacks, defines nowhere, or uses differently.

    A name the base has but the target has nowhere (an API the target lacks),
    a name in code that neither tree nor the patch defines and the hunk does
    not declare, and a function a comment names that the base's function
    calls and the target's no longer does (the claim no longer holds) are
    ``review`` findings.  A name only a comment mentions that neither tree
    has is information.
    """
    out: dict[int, list[Finding]] = {h.key: [] for h in todo}
    if not todo:
        return out
    defined = patch_defines(all_added)
    names = {h.key: _names(h, defined) for h in todo}
    near = Near(_near(h.scope.base_path for h in todo), _near(h.scope.target_path for h in todo),
                tuple(sorted({h.scope.target_path for h in todo})))
    lacking, new = _lookup(set().union(*names.values()), todo, base, target, near)
    undefined = _defined_nowhere({n for h in todo if not _same_file(h) for n in undeclared_names(h, names[h.key] & new)},
                                 base, target, near) if not _same_tree(base, target) else set()
    unprepared = absent_from_base(undefined, base, target, near)
    for h in todo:
        code, mentioned = used_symbols(list(h.added))
        mine = names[h.key] - (declared_names(h) & (code - mentioned))
        found = out[h.key]
        found += [_finding(FindingKind.LACKING, Severity.REVIEW, f"`{n}` exists in the base but nowhere the target's file can see it "
                               "(its subsystem, include/, arch/*/include/)")
                  for n in sorted(mine & lacking)]
        found += [_finding(FindingKind.CLAIM, Severity.REVIEW, m) for m in _dropped(h.scope, mentioned & mine)]
        found += [f for n in sorted(mine & new) if (f := _new_name_finding(n, code, unprepared, undefined))]
        found += [_finding(FindingKind.DROPPED_USE, Severity.INFO, m) for m in _dropped(h.scope, mine - mentioned)]
    return out


def _new_name_finding(n: str, code: set[str], unprepared: set[str], undefined: set[str]) -> Finding | None:
    """What to say of a name new in the fix: the input lacks it too, nothing defines it, only a
    comment names it; None when a header of the target declares it where the file can see it."""
    if n in unprepared and n in code:
        return _finding(FindingKind.PREREQUISITE, Severity.REVIEW,
                        f"`{n}` is defined neither in the target nor by this patch, and the base lacks it "
                        "too: the input is incomplete (a prerequisite, or a part of its commit, is "
                        "missing), and the port does not build without it")
    if n in undefined and n in code:
        return _finding(FindingKind.UNDEFINED, Severity.REVIEW,
                        f"`{n}` is defined nowhere the target's file can see (its own text, a header "
                        "of the target tree, this patch)")
    if n not in code:  # a name only a comment mentions, and neither tree has nearby
        return _finding(FindingKind.NEW_NAME, Severity.INFO,
                        f"`{n}` is new in this fix: port the part that defines it too")
    return None


_GNU_KEYWORDS = (r"__(?:alignof|typeof|typeof_unqual|attribute|asm|volatile|inline|restrict|const|signed|extension"
                 r"|label|auto_type|int128|real|imag|thread)(?:__)?|__has_\w+|_(?:Static_assert|Generic|Alignof"
                 r"|Alignas|Bool|Noreturn|Thread_local|Atomic|Complex)")  # the compiler's, defined by no header
_NOT_API = re.compile(r"^(?:CONFIG_\w+|__builtin_\w+|__func__|__VA_ARGS__|KBUILD_\w+|__(?:FILE|LINE|COUNTER)__"
                      rf"|{_GNU_KEYWORDS}|_T)$")  # _T: the object in cleanup.h's DEFINE_CLASS/DEFINE_GUARD/DEFINE_FREE arguments
def undeclared_names(h: HunkCode, candidates: set[str]) -> set[str]:
    """Candidates the hunk's added lines use in code without declaring them
    (no local declaration, #define, label, member or macro parameter)."""
    text = [code_of(x) for x in h.added]
    members = set(re.findall(r"(?:->|\.)\s*([A-Za-z_]\w*)", "\n".join(text)))
    members |= set(_GOTO.findall("\n".join(text)))  # labels are the function's own, not API
    members |= designated_members("\n".join(text))
    used = set(identifiers("\n".join(text)))
    return {n for n in candidates if n in used and n not in declared_names(h) and n not in members
            and not _NOT_API.match(n)}


def designated_members(text: str) -> set[str]:
    """The names ``text`` passes as a member designator: ``container_of(work, struct x,
    refill.work)`` and ``list_for_each_entry(pos, head, node)`` name members of a struct (their
    last argument), ``struct_size(p, items, n)`` its second; they are defined by that struct, not
    by a header the file includes."""
    out: set[str] = set()
    for m in _DESIGNATOR_MACRO.finditer(text):
        args = call_arguments(text, m.end())
        if args and len(args) >= 2:
            member = args[1] if m.group(1) in _SECOND_ARG_MEMBER else args[-1]
            out.update(identifiers(re.sub(r"\[[^\]]*\]", "", member)))  # b[i]: the index is no member
    return out


_SECOND_ARG_MEMBER = frozenset({"struct_size", "struct_size_t", "flex_array_size"})
_DESIGNATOR_MACRO = re.compile(r"\b(container_of(?:_const|_safe)?|offsetof(?:end)?|sizeof_field|typeof_member"
                               r"|(?:h?list|llist|rb|plist)_(?:\w*entry\w*|for_each_entry\w*)"
                               r"|struct_size(?:_t)?|flex_array_size)\s*\(")


def declared_names(h: HunkCode) -> set[str]:
    """Names the hunk's added lines declare: locals, parameters, labels, #define'd names and
    macro parameters."""
    return declared_in(h.added)


def declared_in(lines) -> set[str]:
    """Names ``lines`` declare (see ``declared_names``)."""
    declared, in_define = set(), False
    for line in lines:
        code = code_of(line)
        stripped = code.strip()
        if in_define or stripped.startswith("#"):
            in_define = stripped.endswith("\\")
            declared.update(identifiers(code))
            continue
        declared.update(re.findall(r"^\s*(?!case\b|default\b)([A-Za-z_]\w*)\s*:(?!:)", code))
        declared.update(m.group(1) for m in re.finditer(r"\b(?:struct|union|enum)\s+\w+\s*\**\s*(\w+)", code))
        declared.update(m.group(1) for m in re.finditer(r"\b(?!return\b|goto\b|else\b|case\b|sizeof\b|do\b)[A-Za-z_]\w*\s+\**\s*([A-Za-z_]\w*)\s*[=;\[,)]", code))
        declared.update(_FUNC_POINTER.findall(code))
        for pattern in (_DEFINING_MACRO, _PER_CPU, _FUNC_DECL, _ENUMERATOR):
            m = pattern.match(code)
            if m and not (pattern is _FUNC_DECL and m.start(1) == 0 and m.group(1).isupper()):
                declared.add(m.group(1))  # (an upper-case name at column 0 is a macro invoked, not defined)
    return declared | declared_locals(lines)  # every declarator of `size_t i, n = 0;`


_DEFINING_MACRO = re.compile(r"^(?:static\s+)?(?:DEFINE|DECLARE)_(?!PER_CPU)\w*\(\s*([A-Za-z_]\w*)\s*[,)]")  # DEFINE_MUTEX(x), DEFINE_CLASS(x, ...)
_PER_CPU = re.compile(r"^(?:static\s+)?(?:DEFINE|DECLARE)_PER_CPU\w*\([^,()]+,\s*([A-Za-z_]\w*)\s*\)")  # (type, name)
_FUNC_DECL = re.compile(r"^[A-Za-z_][\w\s\*]*?\b([A-Za-z_]\w*)\s*\(")  # a definition or prototype, column 0
_FUNC_POINTER = re.compile(r"\(\s*\*\s*([A-Za-z_]\w*)\s*\)\s*\(")  # "void (*opt_child_init)(struct sock *newsk,"
_ENUMERATOR = re.compile(r"^\s*([A-Z_][A-Z0-9_]*)\s*(?:=[^;]*)?,?\s*$")


def _same_file(h: HunkCode) -> bool:
    """The target's file is the base's, byte for byte: the port is the patch itself."""
    return h.scope.base_file.lines == h.scope.target_file.lines


def _same_tree(base: Tree, target: Tree) -> bool:
    """A port to the patch's own base: a name the patch leaves undefined is the patch's, not the port's."""
    if base.commit and target.commit:
        return base.commit == target.commit
    return getattr(base, "root", None) is not None and getattr(base, "root", None) == getattr(target, "root", None)


@dataclass(frozen=True)
class Near:
    """The directories searched first in each tree (the files' own, include/): a name not found
    in code there need not be looked for there again."""

    base: tuple[str, ...] = ()
    target: tuple[str, ...] = ()
    paths: tuple[str, ...] = ()  # the files themselves (whose subsystems' headers they can see)




def _defined_nowhere(names: set[str], base: Tree, target: Tree, near: Near) -> set[str]:
    """Of names found near neither file, those no header the target's files can see has in code.

    A C file sees what it defines itself and what the headers it includes
    declare, never another ``.c`` file's names: so one search of the headers
    of its subsystem, include/ and arch/*/include/ (``visible_headers``) decides,
    and the base is not searched again (a name the target cannot see is a review
    finding wherever the base has it).  The directories searched already (the
    names are not in code there) are left out of it."""
    if not names:
        return set()
    return missing_symbols(names, target, visible_headers(near.paths, near.target), set())


def absent_from_base(names: set[str], base: Tree, target: Tree, near: Near) -> set[str]:
    """Of names defined nowhere the target's file can see, those the base's headers lack too.

    They were already found near neither file (nor in the base's own file): the
    patch was written against a base that has them from somewhere else (a
    prerequisite commit, another file of the same commit) that the input does
    not carry.  The port is then no worse than the input, which says so.  A
    header the same in both trees was already searched in the target: only the
    base's headers that differ from the target's are read again, and none under
    the base's directories searched already, and only those the files can see."""
    if not names:
        return set()
    visible = visible_headers(near.paths, near.base)
    differing = _differing_headers(base, target)
    if differing is None:
        return missing_symbols(names, base, visible, set())
    differing = tuple(p for p in differing if in_pathspecs(p.removeprefix(":(literal)"), visible))
    unknown = set(names)
    for at in range(0, len(differing), _PATHS_PER_GREP):
        if not unknown:
            break
        unknown -= _found(sorted(unknown), base, differing[at:at + _PATHS_PER_GREP])
    return unknown


_PATHS_PER_GREP = 2000  # literal pathspecs per git grep: well inside the kernel's argument limits


def _differing_headers(base: Tree, target: Tree) -> tuple[str, ...] | None:
    """The headers whose content differs between two commits of one repository; None when
    the trees are not that (directories, a base with earlier patches applied in memory)."""
    if isinstance(base, GitTree) and isinstance(target, GitTree) and base.repo is target.repo:
        try:
            return base.repo.differing(base.commit, target.commit, "*.h")
        except subprocess.CalledProcessError:
            return None
    return None


def _names(h: HunkCode, defined: set[str]) -> set[str]:
    """Names the added lines use, less those the patch defines (in any of its hunks): a name
    the other hunks only use is looked for like any other."""
    code, mentioned = used_symbols(list(h.added))
    return (code | mentioned) - defined


_DEFINES = (re.compile(r"^([A-Za-z_]\w*)\s*\([^;]*$"),  # a function's name opening its line: "foo(struct x *a,"
            re.compile(r"\b(?:struct|union|enum)\s+([A-Za-z_]\w*)\s*\{"),  # a tag: "struct foo {"
            re.compile(r"^\s*typedef\b.*?\b([A-Za-z_]\w*)\s*(?:\[[^\]]*\])?\s*;"))  # "typedef u32 foo_t;"


def patch_defines(all_added) -> set[str]:
    """Names the patch's added lines define: ``defined_by`` (macros, variables, function heads),
    ``declared_in`` (parameters, enumerators, names a DEFINE_*()/DECLARE_*() declares), and
    functions whose name opens a line, struct/union/enum tags, typedefs."""
    lines = [x for added in all_added for x in added]
    out = defined_by(lines) | declared_in(lines)
    for line in lines:
        code = code_of(line)
        out.update(m.group(1) for pattern in _DEFINES for m in [pattern.search(code)] if m)
    return out


def _lookup(names: set[str], todo: list[HunkCode], base: Tree, target: Tree, near: Near) -> tuple[set[str], set[str]]:
    """(names the base has and the target lacks, names neither has nearby).

    Cheap lookups first: the code of the files already read, then ``git grep``
    near them (their directories and include/), hits in comments and strings
    not counted.  Only a name the base has nearby and the target has not is
    searched for further: in every header of the target tree (the only place
    another file's name can be seen from; see ``_defined_nowhere``), less the
    directories already searched.
    """
    t_known = {tok for f in _files(todo, "target_file") for u in f.units for tok in u.tokens}
    b_known = {tok for f in _files(todo, "base_file") for u in f.units for tok in u.tokens}
    not_near = missing_symbols(names, target, near.target, t_known)
    new = missing_symbols(not_near, base, near.base, b_known)
    lacking = missing_symbols(not_near - new, target, visible_headers(near.paths, near.target), set())  # see _defined_nowhere
    return lacking, new


def _near(paths, include: str = "include") -> tuple[str, ...]:
    """The files' own directories and ``include`` (include/linux for prototypes): where to look first."""
    return tuple(sorted({p.rsplit("/", 1)[0] for p in paths if "/" in p} | {include}))


def _files(todo: list[HunkCode], which: str) -> list[CFile]:
    """The distinct base or target files of some hunks' scopes."""
    return list({id(f): f for f in (getattr(h.scope, which) for h in todo)}.values())


def _dropped(s: Scope, names: set[str]) -> list[str]:
    bscope = "\n".join(s.base_file.lines[s.base_span[0] - 1:s.base_span[1]])
    tscope = "\n".join(s.target_file.lines[s.target_span[0] - 1:s.target_span[1]])
    where = f"{s.function}()" if s.function else s.target_path
    return [f"the added lines name `{n}`, which the base's {where} uses and the target's no longer does"
            for n in sorted(dropped_uses(names, bscope, tscope))]


def check_arity(todo: list[HunkCode], all_added: list[tuple[str, ...]], base: Tree,
                target: Tree) -> dict[int, list[Finding]]:
    """Added calls to functions whose parameter count differs between base and target."""
    out: dict[int, list[Finding]] = {h.key: [] for h in todo}
    wanted = {h.key: _calls(h.added) for h in todo}
    ours = {n for lines in all_added for line in lines if "(" in line for n in identifiers(line)
            if f"{n}(" in line.replace(" (", "(") and _declares(line, n)}
    names = {n for c in wanted.values() for n in c} - ours
    if not names:
        return out

    macros: set[str] = set()
    b = arity.lookup(base, names, ["\n".join(f.lines) for f in _files(todo, "base_file")],
                     _near((h.scope.base_path for h in todo), "include/linux"), macros=macros)
    odd = {name for h in todo for name, n in wanted[h.key].items()  # a macro may be defined again, otherwise
           if name in b and b[name] != n and name not in macros and not _member_call(h.added, name)} \
        if not _same_tree(base, target) else set()
    if odd:
        odd -= _heads_changed(todo)
    if not odd and not any(b.get(name) == n for calls in wanted.values() for name, n in calls.items()):
        return out  # no finding can follow, whatever the target says: its search is not needed
    t = arity.lookup(target, names, ["\n".join(f.lines) for f in _files(todo, "target_file")],
                     _near((h.scope.target_path for h in todo), "include/linux"),
                     needed={name for calls in wanted.values() for name, n in calls.items() if b.get(name) == n} | odd)
    for h in todo:
        for name, n in sorted(wanted[h.key].items()):
            if name in b and name in t and b[name] != t[name] and n == b[name]:
                out[h.key].append(_finding(
                    FindingKind.ARITY, Severity.REVIEW,
                    f"`{name}()` takes {t[name]} argument(s) in the target, {b[name]} in the base; "
                    f"the added call passes {n}"))
            elif name in odd and b[name] == t.get(name) != n:
                out[h.key].append(_finding(
                    FindingKind.PREREQUISITE, Severity.REVIEW,
                    f"the added call to `{name}()` passes {n} argument(s); it takes {b[name]} in the target and "
                    "in the base, and this patch does not change that: the input is incomplete (the part of "
                    "its change that changes the function is missing), and the port does not build without it"))
    return out


def _heads_changed(todo: list[HunkCode]) -> set[str]:
    """Functions whose head (their lines up to the opening brace) in the base a hunk changes: the
    patch gives them other parameters (``void *fd_vaddr)`` added on a head's last line)."""
    out: set[str] = set()
    for h in todo:
        f = h.scope.base_file
        for block in h.blocks:
            for fn in f.functions:
                brace = next((no for no in range(fn.start, min(fn.end, fn.start + 12) + 1)
                              if "{" in code_of(f.lines[no - 1])), fn.start)
                if block.first <= brace and block.first + max(len(block.removed), 1) - 1 >= fn.start:
                    out.add(fn.name)
    return out


def _member_call(added: tuple[str, ...], name: str) -> bool:
    """``ops->name(`` or ``.name(``: a function pointer of some struct, not the function ``name``."""
    return any(re.search(rf"(?:->|\.)\s*{re.escape(name)}\s*\(", code_of(x)) for x in added)


def _calls(added: tuple[str, ...]) -> dict[str, int]:
    out: dict[str, int] = {}
    for line in added:
        out.update(arity.calls(code_of(line)))
    return out


def _declares(line: str, name: str) -> bool:
    """The added line is a definition or prototype of ``name`` (it starts at column 0)."""
    return bool(line[:1]) and (line[0].isalpha() or line[0] == "_") and not line.rstrip().endswith(");") \
        or bool(re.match(rf"^[A-Za-z_][\w\s\*]*\b{re.escape(name)}\s*\(", line))


# ---------------------------------------------------------------------------
# the port against the target, as a compiler would see it (without building)


def check_code(todo: list[HunkCode], all_added: list[tuple[str, ...]], base: Tree,
               target: Tree) -> dict[int, list[Finding]]:
    """Struct members, C dialect, cleanup exits, variables the change stops declaring,
    block depth and statements the target already has nearby."""
    out: dict[int, list[Finding]] = {h.key: [] for h in todo}
    std = c_dialect(target)
    patch_names = {n for lines in all_added for n in identifiers("\n".join(code_of(x) for x in lines))}
    structs = _StructLookup(base, target, frozenset(member_declarations(x for lines in all_added for x in lines)))
    conditions = changed_conditions(todo)
    patch_protos = {n for lines in all_added for x in lines for n in _declared_functions(x)}
    for h in todo:
        found = out[h.key]
        found += dialect_findings(h.added, std)
        found += structs.findings(h, patch_names)
        found += structs.renamed_findings(h)
        found += cleanup_findings(h)
        found += undeclared_findings(h, all_added, todo)
        found += depth_findings(h)
        found += partial_findings(h)
        found += redeclared_findings(h)
        found += redefined_findings(h)
        found += repeated_condition_findings(h, conditions)
        found += gap_findings(h)
        found += released_findings(h)
        found += order_findings(h, patch_protos)
    added = [x for lines in all_added for x in lines]
    _assigned_undeclared(todo, out, base, target, declared_locals(added) | declared_parameters(added))
    return out


# --- a static function called before the compiler has seen it ---------------

_DECLARED_FUNCTION = re.compile(r"^(?:[A-Za-z_][\w\s\*]*?[\s\*])?([A-Za-z_]\w*)\s*\(")


def _declared_functions(line: str) -> set[str]:
    """The function a column-0 line declares or defines (``static void sd_uninit_command(``)."""
    m = _DECLARED_FUNCTION.match(line) if line[:1].isalpha() or line[:1] == "_" else None
    return {m.group(1)} if m and m.group(1) not in _KEYWORDS else set()


def order_findings(h: HunkCode, patch_protos: set[str]) -> list[Finding]:
    """An added call to a static function of the file that the target defines only further down,
    with no prototype above the call, where the base declares it before its call (6.12's sd.c
    has no forward declaration of sd_uninit_command(), 6.1's has): the compiler meets the call
    before any declaration (an implicit declaration, an error since 5.18 and a conflict with the
    static definition before)."""
    s = h.scope
    if not s.function:
        return []
    out = []
    calls = {n for x in h.added for n in arity.calls(code_of(x))} - patch_protos - {s.function}
    for name in sorted(calls):
        t_first, b_first = _first_declaration(s.target_file, name), _first_declaration(s.base_file, name)
        if t_first is None or b_first is None or not t_first[1]:
            continue
        if t_first[0] > s.target_span[0] and b_first[0] < s.base_span[0]:
            out.append(_finding(FindingKind.UNDECLARED, Severity.REVIEW,
                                f"`{name}()` is static in the target's file and first declared at line {t_first[0]}, "
                                f"after {s.function}() that the added call is in; the base declares it before "
                                "(add a prototype, or move the definition up)",
                                f"{s.target_path}:{t_first[0]}", f"{s.base_path}:{b_first[0]}"))
    return out


def _first_declaration(cfile: CFile, name: str) -> tuple[int, bool] | None:
    """(line, static) of the file's first column-0 declaration or definition of function ``name``."""
    if name not in cfile.index.tokens:
        return None
    for no, line in enumerate(cfile.lines, 1):
        if name in line and re.match(rf"\s*#\s*define\s+{re.escape(name)}\b", line):
            return no, False  # a macro of that name: no static function to order against
        if name in line and name in _declared_functions(line):
            head = " ".join(cfile.lines[max(no - 2, 0):no])  # the storage class may be on the line above
            return no, bool(re.search(r"\bstatic\b", head))
    return None


# --- C dialect ---------------------------------------------------------------

_STD = re.compile(r"-std=(gnu\d\d|c\d\d)")
_FOR_DECL = re.compile(r"\bfor\s*\(\s*(?:const\s+)?(?:unsigned\s+|signed\s+)?(?:int|long|char|short|size_t|u8|u16|u32|u64|"
                       r"s8|s16|s32|s64|unsigned|bool|struct\s+\w+\s*\*|[a-z_]\w*_t)\b[\s*]*\w+\s*=")


def c_dialect(tree: Tree) -> str:
    """The C the target is built as: ``-std=`` of its top Makefile, else from its version
    (kernels before 5.18 build as gnu89); gnu11 when nothing says."""
    makefile = tree.read("Makefile") or ""
    m = _STD.search(makefile)
    if m:
        return m.group(1)
    version = kernel_version(tree)
    if version and version < (5, 18):
        return "gnu89"
    return "gnu11"


def dialect_findings(added: tuple[str, ...], std: str) -> list[Finding]:
    if std not in ("gnu89", "c89", "gnu90", "c90"):
        return []
    for line in added:
        if _FOR_DECL.search(code_of(line)):
            return [_finding(FindingKind.DIALECT, Severity.REVIEW,
                             f"`{line.strip()}` declares its loop variable in the for statement, which the target's "
                             f"{std} does not compile (kernels before 5.18)", f"target builds with -std={std}")]
    return []


# --- struct members -------------------------------------------------------------

_CHAIN = re.compile(r"(?<![\w.>])([A-Za-z_]\w*)((?:\s*(?:->|\.)\s*[A-Za-z_]\w*)+)")
_LINK = re.compile(r"(->|\.)\s*([A-Za-z_]\w*)")
_WRITE_AFTER = re.compile(r"^\s*(?:\[[^\]]*\]\s*)*(?:(?:[-+*/%&|^]|<<|>>)?=(?!=)|\+\+|--)")


class _StructLookup:
    """``struct NAME { ... }`` (and ``union``) bodies in the base and the target, looked up once
    each: the file itself, its directory, then include/ (``git grep``); and the members of a
    chain (``chunk->subh.cookie_hdr->c.peer_init``) followed through them, link by link."""

    def __init__(self, base: Tree, target: Tree, patch_members: frozenset[str] = frozenset()):
        self.trees = {"base": base, "target": target}
        self.patch_members = patch_members  # names the patch's added lines declare (a struct's new members)
        self.bodies: dict[tuple[str, str, str], str | None] = {}
        self.includes: dict[tuple[str, str], list[str]] = {}

    def body(self, side: str, tag: str, cfile: CFile, path: str) -> str | None:
        """The body of ``tag`` ("struct NAME", "union NAME") as ``path`` in ``side`` sees it."""
        folder = path.rsplit("/", 1)[0] if "/" in path else "."
        kind, name = tag.split()
        own = (side, tag, path)  # a file's own definition is its alone: two files of one folder may differ
        if own not in self.bodies:
            text = "\n".join(cfile.lines)
            self.bodies[own] = structs.body_of(text, kind, name) or self._included(side, kind, name, path, text)
        if self.bodies[own] is not None:
            return self.bodies[own]
        shared = (side, tag, folder + "/")
        if shared not in self.bodies:
            self.bodies[shared] = self._grep(side, kind, name, folder)
        return self.bodies[shared]

    def _included(self, side: str, kind: str, name: str, path: str, text: str) -> str | None:
        """The body in a header the file includes (two levels, ``headers.included``): what the
        compiler sees, read in two batches instead of a ``git grep`` of include/ (0.3 s CPU)."""
        tree = self.trees[side]
        if (side, path) not in self.includes:  # one list per file, whatever structs it asks for
            self.includes[(side, path)] = headers.included(tree, path, text, limit=96)
        for header in self.includes[(side, path)]:
            found = structs.body_of(tree.read(header) or "", kind, name)
            if found:
                return found
        return None

    def _grep(self, side: str, kind: str, name: str, folder: str) -> str | None:
        tree = self.trees[side]
        opens = re.compile(rf"{kind} {re.escape(name)}[ \t\n\v\f\r]*\{{")  # as git's ERE `\s*\{`, on a hit's line
        areas = [(f"{folder}/*.h", f"{folder}/*.c"), ("include/*.h",)]
        subsystem = home(f"{folder}/x.c")
        if subsystem not in ("", folder):  # the rest of the subsystem's headers (fs/smb/common/)
            areas.append((f"{subsystem}/*.h", f":(exclude){folder}"))
        for paths in areas:
            # a fixed string (its lines filtered here) costs git less than a regex: 0.28 s CPU for include/, 0.69 s;
            # and the search stops at the first hit whose file has the body (the files after it are not read)
            with closing(tree.grep_iter(f"{kind} {name}", paths=paths, fixed=True)) as hits:
                for path, _, _ in islice((h for h in hits if opens.search(h[2])), 4):
                    found = structs.body_of(tree.read(path) or "", kind, name)
                    if found:
                        return found
        return None

    def renamed_findings(self, h: HunkCode) -> list[Finding]:
        """A member chain the port respelled (``cb->inode`` -> ``cb->bbio.inode``) whose last member
        has another type in the target than the base's chain has in the base: code written for
        one does not take the other (6.12's ``bbio.inode`` is a ``struct btrfs_inode *``, 6.1's
        ``cb->inode`` a ``struct inode *``, and ``BTRFS_I()`` around it takes the latter only)."""
        out = []
        for r in h.renames:
            old, new = _CHAIN.fullmatch(r.old.strip()), _CHAIN.fullmatch(r.new.strip())
            if not old or not new:
                continue
            bm = self._last_member(h, "base", old.group(1), _LINK.findall(old.group(2)))
            tm = self._last_member(h, "target", new.group(1), _LINK.findall(new.group(2)))
            if bm is None or tm is None:
                continue
            if structs.changed(bm, tm) and not self._same_members(h, bm, tm):
                out.append(_finding(FindingKind.MEMBER, Severity.REVIEW,
                                    f"`{r.new}` (the base's `{r.old}`) is `{_spelled(tm)}` in the target, where the base's "
                                    f"is `{_spelled(bm)}`: what the added lines do with it may not hold"))
        return out

    def _last_member(self, h: HunkCode, side: str, var: str, links) -> structs.Member | None:
        """The member a chain ends at, read in one tree (None when a link is not known)."""
        s = h.scope
        cfile, span, path = (s.base_file, s.base_span, s.base_path) if side == "base" else \
            (s.target_file, s.target_span, s.target_path)
        kind = _var_struct(var, _function_text(cfile, span), cfile)
        tag = f"struct {kind}" if kind else None
        member = None
        for _, name in links:
            body = (member.body if member and member.body else
                    self.body(side, tag, cfile, path) if tag else None)
            member = structs.members(body).get(name) if body else None
            if member is None:
                return None
            tag = member.aggregate
        return member

    def findings(self, h: HunkCode, patch_names: set[str]) -> list[Finding]:
        s = h.scope
        tfn = _function_text(s.target_file, s.target_span)
        bfn = _function_text(s.base_file, s.base_span)
        out, seen = [], set()
        for line in h.added:
            code = code_of(line)
            for m in _CHAIN.finditer(code):
                var, links = m.group(1), _LINK.findall(m.group(2))
                wrote = bool(_WRITE_AFTER.match(code[m.end():])) or code[:m.start()].rstrip().endswith(("++", "--"))
                chain = (var + "".join(op + name for op, name in links), wrote)
                if chain in seen:
                    continue
                seen.add(chain)
                kind = _var_struct(var, tfn, s.target_file)
                if kind is None or kind != _var_struct(var, bfn, s.base_file):
                    continue
                found = self._follow(h, f"struct {kind}", var, links, wrote, patch_names)
                if found:
                    out.append(found)
        return out

    def _follow(self, h: HunkCode, tag: str, var: str, links, wrote: bool, patch_names: set[str]) -> Finding | None:
        """The first link of a chain that the target's struct does not have, or has with a type
        the added line cannot use as the base's; None when every link holds (or is unknown)."""
        s = h.scope
        tbody = self.body("target", tag, s.target_file, s.target_path)
        bbody = self.body("base", tag, s.base_file, s.base_path)
        path = var
        for k, (op, member) in enumerate(links):
            path += op + member
            if tbody is None or bbody is None:
                return None
            if not _has_word(bbody, member):
                return self._nowhere(h, tag, path, member, tbody) if k == 0 and self._seen_by_file(h, tag) else None
            if not _has_word(tbody, member):
                if member in patch_names and _declared_member(h, member):
                    return None
                return _finding(FindingKind.MEMBER, Severity.REVIEW,
                                f"`{path}`: {tag} has no member `{member}` in the target",
                                f"{tag} in the base has `{member}`")
            tm, bm = structs.members(tbody).get(member), structs.members(bbody).get(member)
            if tm is None or bm is None:
                return None
            last = k == len(links) - 1
            why = structs.changed(bm, tm) or ("is `const` in the target and the added line writes it" if last and wrote and tm.const
                                             and not bm.const else None)
            if why and last and self._same_members(h, bm, tm):
                return _finding(FindingKind.MEMBER, Severity.INFO,
                                f"`{path}`: member `{member}` of {tag} {why}, a struct of the same members "
                                "under another name", f"{tag} in the base: `{member}` is `{bm.type}`")
            if why and not last and self._same_through(h, bm, tm, links[k + 1:]):
                rest = "".join(op + name for op, name in links[k + 1:])
                return _finding(FindingKind.MEMBER, Severity.INFO,
                                f"`{path}`: member `{member}` of {tag} {why}; `{rest}` is the same member "
                                "of both types", f"{tag} in the base: `{member}` is `{bm.type}`")
            if why:
                return _finding(FindingKind.MEMBER, Severity.REVIEW,
                                f"`{path}`: member `{member}` of {tag} {why}",
                                f"{tag} in the base: `{member}` is `{bm.type}`")
            if last:
                return None
            if tm.body is not None and bm.body is not None:
                tag, tbody, bbody = f"{tag} member {member}", tm.body, bm.body
            elif tm.aggregate and tm.aggregate == bm.aggregate:
                tag = tm.aggregate
                tbody = self.body("target", tag, s.target_file, s.target_path)
                bbody = self.body("base", tag, s.base_file, s.base_path)
            else:
                return None
        return None

    def _seen_by_file(self, h: HunkCode, tag: str) -> bool:
        """Both trees' bodies of ``tag`` are the file's own or a header's it includes: not one that a
        search of include/ found, which may be another architecture's struct of the same name
        (include/kvm/arm_pmu.h's ``struct kvm_pmu`` for x86's, which comes through <asm/kvm_host.h>)."""
        s = h.scope
        return self.bodies.get(("base", tag, s.base_path)) is not None and \
            self.bodies.get(("target", tag, s.target_path)) is not None

    def _nowhere(self, h: HunkCode, tag: str, path: str, member: str, tbody: str) -> Finding | None:
        """A member neither tree's struct has and no added line declares (hid-mcp2221.c's
        ``mcp->rxbuf_size``, added to struct mcp2221 by a part of the fix the input lacks)."""
        var = re.split(r"->|\.", path, maxsplit=1)[0]
        if _has_word(tbody, member) or member in self.patch_members or _same_file(h):
            return None
        declared = {m.group(1) for m in re.finditer(rf"\bstruct\s+(\w+)\s*\**\s*(?:const\s+)?\b{re.escape(var)}\b",
                                                     "\n".join(code_of(x) for x in h.added))}
        if declared - {tag.split()[1]} or not declared and not all(
                re.search(rf"\bstruct\s+\w+\s*\**\s*(?:const\s+)?\b{re.escape(var)}\b", _function_text(f, span))
                for f, span in ((h.scope.base_file, h.scope.base_span), (h.scope.target_file, h.scope.target_span))):
            return None  # another type in the added lines, or the type of a global: too weak to say it is missing
        return _finding(FindingKind.PREREQUISITE, Severity.REVIEW,
                        f"`{path}`: {tag} has no member `{member}` in the target, nor in the base, and this "
                        "patch adds none: the input is incomplete (the part of its change that adds the "
                        "member is missing), and the port does not build without it")

    def _same_members(self, h: HunkCode, bm: structs.Member, tm: structs.Member) -> bool:
        """A member whose struct type was renamed (``struct cifs_sid`` in the target for the base's
        ``struct smb_sid``): both types found, with the same members of the same types."""
        btag, ttag = bm.aggregate, tm.aggregate
        if not btag or not ttag or btag == ttag or bm.pointers != tm.pointers or bm.array != tm.array:
            return False
        s = h.scope
        bbody = self.body("base", btag, s.base_file, s.base_path)
        tbody = self.body("target", ttag, s.target_file, s.target_path)
        if not bbody or not tbody:
            return False
        b, t = structs.members(bbody), structs.members(tbody)
        return bool(b) and b.keys() == t.keys() and not any(structs.changed(b[m], t[m]) for m in b)

    def _same_through(self, h: HunkCode, bm: structs.Member, tm: structs.Member, rest) -> bool:
        """A member whose struct type differs between base and target (``struct kfd_node *`` for
        ``struct kfd_dev *``) through which the rest of the chain reaches, link by link, members
        both types have with the same type: the chain means the same in the target."""
        s = h.scope
        btag, ttag = bm.aggregate, tm.aggregate
        if not btag or not ttag or bm.pointers != tm.pointers or not rest:
            return False
        for k, (_, member) in enumerate(rest):
            bbody = self.body("base", btag, s.base_file, s.base_path)
            tbody = self.body("target", ttag, s.target_file, s.target_path)
            b = structs.members(bbody).get(member) if bbody else None
            t = structs.members(tbody).get(member) if tbody else None
            if b is None or t is None or structs.changed(b, t) or b.const != t.const:
                return False
            if k == len(rest) - 1:
                return True
            if not (b.aggregate and b.aggregate == t.aggregate):
                return False
            btag, ttag = b.aggregate, t.aggregate
        return False


_TYPES = frozenset("u8 u16 u32 u64 s8 s16 s32 s64 __u8 __u16 __u32 __u64 __le16 __le32 __le64 __be16 __be32 __be64 "
                   "size_t ssize_t loff_t gfp_t uint int8_t uint8_t uint16_t uint32_t uint64_t unsigned".split())
_FLOW = re.compile(r"^\s*(?:return\b|goto\b|break\b|continue\b|[A-Za-z_]\w*:(?!:)|#|[{}])|[{}]\s*$")


def _spelled(m: structs.Member) -> str:
    return m.type + " " + "*" * m.pointers if m.pointers else m.type


def order_matters(between, added) -> bool:
    """Lines the target has between an insertion's anchors could not trade places with the added
    lines without changing what the code does: they return, jump, open or close a block, are a
    label or a preprocessor line, or share a name (a variable, a function, a member) with them."""
    return changes_flow(between) or bool(_names_in(between) & _names_in(added))


def changes_flow(lines) -> bool:
    """Some of ``lines`` return, jump, open or close a block, or are a label or a preprocessor line."""
    return any(_FLOW.search(code_of(x)) for x in lines if x.strip())


def _names_in(lines) -> set[str]:
    """The names the code of ``lines`` uses, C keywords and basic types left out."""
    return {n for x in lines for n in identifiers(code_of(x))} - _KEYWORDS - _TYPES


def member_kept(base: Tree, target: Tree, s: Scope, added: list[str], member: str) -> bool:
    """Every ``x->member`` (``x.member``) the added lines write is a member of the struct of ``x``
    in the target with the base's type (``x`` declared by the added lines, the hunk's function or
    the file): the target's code around spelling it another way does not stop the line building."""
    look = _StructLookup(base, target)
    mine = "\n".join(code_of(x) for x in added)
    tfn = mine + "\n" + (_function_text(s.target_file, s.target_span) if s.function else "")
    bfn = mine + "\n" + (_function_text(s.base_file, s.base_span) if s.function else "")
    seen = False
    for m in _CHAIN.finditer(mine):
        var, links = m.group(1), _LINK.findall(m.group(2))
        if member not in (name for _, name in links):
            continue
        kind = _var_struct(var, tfn, s.target_file)
        if links[0][1] != member or kind is None or kind != _var_struct(var, bfn, s.base_file):
            return False  # deeper in a chain, or a variable of unknown struct: not shown to hold
        tbody = look.body("target", f"struct {kind}", s.target_file, s.target_path)
        bbody = look.body("base", f"struct {kind}", s.base_file, s.base_path)
        t = structs.members(tbody).get(member) if tbody else None
        b = structs.members(bbody).get(member) if bbody else None
        if t is None or b is None or structs.changed(b, t) or t.const != b.const:
            return False
        seen = True
    return seen


def _declared_member(h: HunkCode, member: str) -> bool:
    return any(re.search(rf"^\s*[A-Za-z_][\w\s\*]*\b{re.escape(member)}\s*(?:\[[^\]]*\])?\s*;", x) for x in h.added)


_MEMBER_DECL = re.compile(r"^\s*[A-Za-z_][\w\s\*]*?\b([A-Za-z_]\w*)\s*(?:\[[^\]]*\]\s*)*(?::\s*\w+\s*)?[;,]")


def member_declarations(lines) -> set[str]:
    """Names that lines declare the way a struct declares a member (``u16 rxbuf_size;``,
    ``unsigned int a : 1;``, ``struct list_head dead_tables;``), or that a macro declares
    (``DECLARE_BITMAP(map, N);``, ``struct_group(...)``: every identifier among its arguments), generously: a name
    in here is never said to be missing."""
    out = set()
    for line in lines:
        code = code_of(line)
        m = _MEMBER_DECL.match(code)
        if m:
            out.update(declared_locals([code]) | {m.group(1)})
        if re.match(r"^\s*(?:_*(?:DECLARE|DEFINE)_[A-Z0-9_]+|struct_group\w*)\s*\(", code):
            out.update(identifiers(code))
    return out


def _has_word(text: str, word: str) -> bool:
    return re.search(rf"\b{re.escape(word)}\b", "\n".join(code_of(x) for x in text.split("\n"))) is not None


def _var_struct(var: str, function_text: str, cfile: CFile) -> str | None:
    """``struct NAME`` of a parameter, local or global ``var`` (a pointer or a value)."""
    decl = re.compile(rf"\bstruct\s+([A-Za-z_]\w*)\s*\**\s*(?:const\s+)?\b{re.escape(var)}\b\s*(?:[,;=)\[]|$)", re.M)
    m = decl.search(function_text)
    if m:
        return m.group(1)
    for line in cfile.lines:  # file scope: a global, not a parameter of another function's head
        m = decl.search(line) if line[:1] not in ("\t", " ") and var in line else None
        if m and line.count("(", 0, m.start()) <= line.count(")", 0, m.start()):
            return m.group(1)
    return None


def _function_text(cfile: CFile, span: tuple[int, int]) -> str:
    return "\n".join(code_of(x) for x in cfile.lines[span[0] - 1:span[1]])


# --- an early return past the cleanup --------------------------------------

_RETURN = re.compile(r"^\s*return\b[^;]*;")
_GOTO = re.compile(r"\bgoto\s+([A-Za-z_]\w*)\s*;")


def cleanup_findings(h: HunkCode) -> list[Finding]:
    """An added ``return`` where the target's function exits through ``goto`` a cleanup
    label before that point and the base's function did not."""
    s = h.scope
    if not s.function or not h.edits or not any(_RETURN.match(code_of(x)) for x in h.added):
        return []
    t_before = _gotos(s.target_file, s.target_span[0], min(e.start for e in h.edits))
    b_before = _gotos(s.base_file, s.base_span[0], min(b.first for b in h.blocks))
    if not t_before or b_before:
        return []
    label = sorted(t_before)[0]
    return [_finding(FindingKind.CLEANUP, Severity.REVIEW,
                     f"an added `return` leaves {s.function}() early where the target's function exits through "
                     f"`goto {label}` (its cleanup) and the base's does not: the target may need `goto {label}`",
                     f"{s.target_path}: goto {label} before line {min(e.start for e in h.edits)}")]


def _gotos(cfile: CFile, start: int, end: int) -> set[str]:
    return {m.group(1) for x in cfile.lines[start - 1:end - 1] for m in _GOTO.finditer(code_of(x))}


# --- variables the change stops declaring ----------------------------------

def undeclared_findings(h: HunkCode, others: Sequence[tuple[str, ...]] = (),
                        removed: Sequence[HunkCode] = ()) -> list[Finding]:
    """A variable the removed lines declare and the added lines no longer do, that lines the
    hunk keeps still use: in the target's function for a local, anywhere in the target's file
    for one at file scope (rds/tcp.c's ``static atomic_t rds_tcp_tc_count;``).  Where the base
    keeps a use too, the input lacks the part of its change that converts those uses (a hunk cut
    from it): the port does not build as given either, and the finding says so.  ``removed``:
    the patch's other hunks, whose removed lines are gone too."""
    s = h.scope
    gone = declared_locals(h.removed) - declared_locals(h.added)
    if not gone:
        return []
    mine = [h, *(o for o in removed if o.scope.target_path == s.target_path)]
    kept = _kept_lines(s.target_file, s.target_span if s.function else (1, len(s.target_file.lines)),
                       {e.start + k for o in mine for e in o.edits for k in range(e.removed)})
    added = [x for lines in (*others, h.added) for x in lines]
    gone -= declared_locals(x for _, x in kept) | declared_locals(added) | declared_parameters(added) | scoped_iterators(added)
    base_kept = _kept_lines(s.base_file, s.base_span if s.function else (1, len(s.base_file.lines)),
                            {b.first + k for o in mine if o.scope.base_path == s.base_path
                             for b in o.blocks for k in range(len(b.removed))})
    where = f"the target's {s.function}()" if s.function else s.target_path
    out = []
    for name in sorted(gone):
        uses = [no for no, x in kept if _uses_var(x, name)]
        if not uses:
            continue
        cause = ""
        if any(_uses_var(x, name) for _, x in base_kept):
            if _same_file(h):
                continue  # the patch's own base: what it leaves undeclared is the patch's, not the port's
            cause = ("; the base keeps a use too: the input lacks the part of its change that converts "
                     "those uses, and the port does not build without it")
        out.append(_finding(FindingKind.UNDECLARED, Severity.REVIEW,
                            f"the hunk removes the declaration of `{name}`, which {where} still uses at line "
                            f"{uses[0]} after the change{cause}", *(f"{s.target_path}:{no}" for no in uses[:3])))
    return out


_SCOPED = re.compile(r"\b(?:for_each|\w+_for_each)\w*_scoped\s*\(")


def scoped_iterators(lines) -> set[str]:
    """Names the ``*_scoped`` iterators declare for their loop (``for_each_available_child_of_node_scoped(np,
    child)``: the last argument is a ``struct device_node *`` that exists only inside the loop)."""
    out: set[str] = set()
    for x in lines:
        code = code_of(x)
        for m in _SCOPED.finditer(code):
            args = call_arguments(code, m.end())
            if args:
                out.update(identifiers(args[-1])[-1:])
    return out


def _kept_lines(cfile: CFile, span: tuple[int, int], removed: set[int]) -> list[tuple[int, str]]:
    return [(no, cfile.lines[no - 1]) for no in range(span[0], span[1] + 1) if no not in removed]


def _uses_var(line: str, name: str) -> bool:
    """``line`` names ``name`` in code other than as a member (``p->new``, ``.new =``)."""
    return any(not re.search(r"(?:->|\.)\s*$", code[:m.start()])
               for code in [code_of(line)] for m in re.finditer(rf"\b{re.escape(name)}\b", code))


# --- where the code lands ----------------------------------------------------

def _depth(cfile: CFile, start: int, at: int) -> int:
    """Brace depth at the beginning of line ``at``, counted from line ``start``."""
    depth = 0
    for x in cfile.lines[start - 1:at - 1]:
        code = code_of(x)
        depth += code.count("{") - code.count("}")
    return depth


def _insertions(h: HunkCode):
    """(block, edit) for each block of a hunk inside a function that only adds lines."""
    if not h.scope.function:
        return
    for block, edit in zip(sorted(h.blocks, key=lambda b: b.first), sorted(h.edits, key=lambda e: e.start)):
        if not block.removed and block.added:
            yield block, edit


def depth_findings(h: HunkCode) -> list[Finding]:
    """An inserted block that lands at another brace depth in the target than in the base."""
    s = h.scope
    for block, edit in _insertions(h):
        b, t = _depth(s.base_file, s.base_span[0], block.first), _depth(s.target_file, s.target_span[0], edit.start)
        if b != t:
            return [_finding(FindingKind.DEPTH, Severity.REVIEW,
                             f"the added lines land {t} brace level(s) deep in the target's {s.function}(), "
                             f"{b} in the base", f"{s.base_path}:{block.first}", f"{s.target_path}:{edit.start}")]
    return []


_NEAR = 6


def partial_findings(h: HunkCode) -> list[Finding]:
    """An added statement (a call, an assignment) that the target already has a few lines away
    and the base does not: part of the change may already be applied (6.12's soc_bus_register()
    already sets `soc_bus_registered = true;` two lines above where the 6.1 fix adds it).  The
    lines a block replaces are no evidence either way, nor is a statement the hunk removes
    elsewhere (a statement the fix moves)."""
    s = h.scope
    gone = {_squash_keeping_strings(x) for b in h.blocks for x in b.removed}
    for block, edit in zip(sorted(h.blocks, key=lambda b: b.first), sorted(h.edits, key=lambda e: e.start)):
        t_near = _window(s.target_file, edit.start, edit.removed)
        b_near = _window(s.base_file, block.first, len(block.removed))
        for line in edit.added:
            want = _squash_keeping_strings(line)
            if len(want) < 12 or not want.endswith(";") or not ("(" in want or "=" in want) or want in gone \
                    or declared_locals([line]):  # a declaration: redeclared_findings says what that means
                continue
            if want in t_near and want not in b_near:
                return [_finding(FindingKind.PARTIAL, Severity.REVIEW,
                                 f"the target already has `{line.strip()}` near where it is added: "
                                 "part of this change may already be applied", f"{s.target_path}:{edit.start}")]
    return []


def redefined_findings(h: HunkCode) -> list[Finding]:
    """A function or macro the added lines define that the target's file already defines and the
    base's does not (hisi_sas_v3_hw.c: 6.12 already has the `debugfs_dump_is_generated_v3_hw()` the
    6.1 fix adds): a second definition does not build; that part is likely applied already."""
    s = h.scope
    heads = {m.group(1) for x in h.added if (m := _FUNC_HEAD.match(x) or _DEFINE.match(x))}
    heads -= {m.group(1) for x in h.removed if (m := _FUNC_HEAD.match(x) or _DEFINE.match(x))}
    for name in sorted(heads):
        there = _defined_at(s.target_file.lines, name, [(e.start, e.removed) for e in h.edits])
        if there and not _defined_at(s.base_file.lines, name, [(b.first, len(b.removed)) for b in h.blocks]):
            return [_finding(FindingKind.PARTIAL, Severity.REVIEW,
                             f"the added lines define `{name}`, which the target's file already defines "
                             f"(line {there[0]}) and the base's does not: a second definition does not "
                             "build; that part may already be applied", f"{s.target_path}:{there[0]}")]
    return []


def _defined_at(lines: tuple[str, ...], name: str, replaced: list[tuple[int, int]]) -> list[int]:
    """The lines (1-based) that open a definition of function or macro ``name``, the lines
    a hunk replaces left out."""
    skip = {k for start, count in replaced for k in range(start, start + count)}
    return [k for k, x in enumerate(lines, 1) if k not in skip and name in x
            and (m := _FUNC_HEAD.match(x) or _DEFINE.match(x)) and m.group(1) == name]


def redeclared_findings(h: HunkCode) -> list[Finding]:
    """An added declaration of a local that the target's block already declares (and the base's
    does not): a second definition in the same block does not compile."""
    s = h.scope
    if not s.function:
        return []
    removed = {e.start + k for e in h.edits for k in range(e.removed)}
    gone_in_base = {b.first + k for b in h.blocks for k in range(len(b.removed))}
    for block, edit in zip(sorted(h.blocks, key=lambda b: b.first), sorted(h.edits, key=lambda e: e.start)):
        names = declared_locals(edit.added)
        if not names:
            continue
        have = declared_locals(_block_lines(s.target_file, s.target_span, edit.start, removed))
        had = declared_locals(_block_lines(s.base_file, s.base_span, block.first, gone_in_base))
        for name in sorted((names & have) - had):
            return [_finding(FindingKind.PARTIAL, Severity.REVIEW,
                             f"the added lines declare `{name}`, which the target's block in {s.function}() already "
                             "declares: a second definition does not compile (part of this change may already be "
                             "applied)", f"{s.target_path}:{edit.start}")]
    return []


_GOES_ON = ("->", ".", ",", "(", "[", "=", "+", "-", "*", "/", "%", "|", "&", "^", "?", "<", ">", "!")  # a line ending so continues
_ASSIGNED = re.compile(r"^\s*([a-z_]\w*)\s*(?:(?:[-+*/%&|^]|<<|>>)?=(?!=)|\+\+|--)")


def _assigned_undeclared(todo: list[HunkCode], out: dict[int, list[Finding]], base: Tree, target: Tree,
                         patch_locals: set[str]) -> None:
    """A variable an added statement assigns that the target's function does not declare (nor its
    parameters, its file, a header): the port does not compile.  When the base's function and file
    do not declare it either, the input lacks that part of its change: the port does not build as
    given either, so that too is a review finding, naming the input as the cause."""
    wanted: dict[int, dict[str, tuple[bool, str]]] = {}
    for h in todo:
        s = h.scope
        if not s.function:
            continue
        previous = ""
        for line in h.added:
            code = code_of(line)
            m = None if previous.rstrip().endswith(_GOES_ON) else _ASSIGNED.match(code)  # `walk_state->` / `return_desc = NULL;`
            previous = code if code.strip() else previous
            if not m or m.group(1) in declared_names(h) | _KEYWORDS | patch_locals:  # the patch's other hunks may declare it
                continue
            name = m.group(1)
            if not _declares_var(s.target_file, s.target_span, name):
                wanted.setdefault(h.key, {})[name] = (_declares_var(s.base_file, s.base_span, name), "assigns")
        for name, base_has in _read_undeclared(h, patch_locals).items():
            wanted.setdefault(h.key, {}).setdefault(name, (base_has, "reads"))
    if not wanted:
        return
    unseen = {n for names in wanted.values() for n in names} - _header_globals(
        sorted({n for names in wanted.values() for n in names}), target, tuple(h.scope.target_path for h in todo))
    for key, names in wanted.items():
        for name in sorted(set(names) & unseen):
            base_has, verb = names[name]
            if base_has:
                out[key].append(_finding(FindingKind.UNDECLARED, Severity.REVIEW,
                                         f"an added line {verb} `{name}`, which the target's function does not declare "
                                         "(the base's does)"))
            elif not _same_tree(base, target):
                out[key].append(_finding(FindingKind.PREREQUISITE, Severity.REVIEW,
                                         f"an added line {verb} `{name}`, which neither the target's nor the base's "
                                         "function declares: the input is incomplete (the part of its change that "
                                         "declares it is missing), and the port does not build without it"))


_PLAIN = re.compile(r"(?<![\w.>])(?<!->)(?<!\.\s)([a-z_][a-z0-9_]*)\b(?!\s*\()")  # a name, not a call nor a member


_PARAMETER = re.compile(r"[A-Za-z_]\w*[\s*]+([A-Za-z_]\w*)\s*(?:\[[^\]]*\]\s*)?[,)]")


def declared_parameters(lines) -> set[str]:
    """Names lines declare as a parameter (``const u8 *token, u32 keysize,`` in a function head
    that another hunk of the patch rewrites), generously: a word after a type-like word, before a
    ``,`` or ``)``."""
    return {m.group(1) for x in lines for m in _PARAMETER.finditer(code_of(x))} - _KEYWORDS


def _read_undeclared(h: HunkCode, patch_locals: set[str]) -> dict[str, bool]:
    """Variables the added lines read (``spin_lock_irqsave(&v->config_lock, flags)``) that the
    target's function neither declares nor names in its own lines, nor its file at file scope, while
    the base's function declares them (-> True), or other functions of either file declare a local
    of that name (-> False: nothing says what it is in the target; the input lacks a part).  A name
    with neither evidence (a type, a function passed by name, a header's global) is not asked."""
    s = h.scope
    text = "\n".join(code_of(x) for x in h.added)
    text = re.sub(r"\b(?:struct|union|enum|goto)\s+\w+", " ", text)
    ours = declared_names(h) | patch_locals | _KEYWORDS | designated_members(text) | set(_GOTO.findall(text)) \
        | scoped_iterators(h.added)
    names = {m.group(1) for m in _PLAIN.finditer(text)} - ours
    out: dict[str, bool] = {}
    tfn = s.target_file.lines[s.target_span[0] - 1:s.target_span[1]]
    for name in sorted(names):
        if _NOT_API.match(name) or any(_uses_var(x, name) for x in tfn) or _declares_var(s.target_file, s.target_span, name):
            continue
        if _declares_local(s.base_file, s.base_span, name):
            out[name] = True
        elif _local_elsewhere(s.base_file, name) or _local_elsewhere(s.target_file, name):
            out[name] = False
    return out


def _declares_local(cfile: CFile, span: tuple[int, int], name: str) -> bool:
    """``name`` is a local or parameter of the function at ``span`` (not a global of the file)."""
    lines = cfile.lines[span[0] - 1:span[1]]
    head = "\n".join(code_of(x) for x in lines).split("{", 1)[0]
    return name in {_last_ident(p) for p in top_commas(head[head.find("(") + 1:head.rfind(")")])} \
        or name in declared_locals(lines)


def _local_elsewhere(cfile: CFile, name: str) -> bool:
    """Some function of the file declares a local ``name`` (an indented declaration)."""
    word = re.compile(rf"\b{re.escape(name)}\b")
    return name in declared_locals(x for x in cfile.lines if x[:1] in ("\t", " ") and word.search(x))


def _header_globals(names: list[str], target: Tree, paths: tuple[str, ...]) -> set[str]:
    """Of ``names``, those a header the files at ``paths`` can see declares as a variable
    (``extern``) or a macro (a parameter name in a prototype is not a declaration the function
    can use)."""
    alternation = "|".join(names)
    pattern = rf"^\s*(extern\s.*\b({alternation})\b|#\s*define\s+({alternation})\b)"
    found: set[str] = set()
    for _, _, text in target.grep(pattern, paths=visible_headers(paths)):
        text = _outside_parentheses(text) if not re.match(r"\s*#", text) else text
        found.update(n for n in names if re.search(rf"\b{re.escape(n)}\b", text))
    return found


def _outside_parentheses(text: str) -> str:
    """``text`` less what parentheses hold (a prototype's parameter names)."""
    while True:
        shorter = re.sub(r"\([^()]*\)?", " ", text)
        if shorter == text:
            return text
        text = shorter


def _declares_var(cfile: CFile, span: tuple[int, int], name: str) -> bool:
    """``name`` is a local or parameter of the function at ``span``, or at file scope in ``cfile``."""
    lines = cfile.lines[span[0] - 1:span[1]]
    head = "\n".join(code_of(x) for x in lines).split("{", 1)[0]
    params = {_last_ident(p) for p in top_commas(head[head.find("(") + 1:head.rfind(")")])}
    if name in params or name in declared_locals(lines):
        return True
    word = re.compile(rf"\b{re.escape(name)}\b")
    return any(x[:1] not in ("\t", " ", "}", "") and word.search(code_of(x)) for x in cfile.lines)


def _last_ident(text: str) -> str | None:
    found = re.findall(r"[A-Za-z_]\w*", text)
    return found[-1] if found else None


_GAP = 3  # code lines the target has between an inserted block's two anchors: a guess from here on
_GAP_LOOK = 24


def gap_findings(h: HunkCode) -> list[Finding]:
    """An inserted block whose base neighbours are a few statements apart in the target: where
    among those statements the added lines go is a guess (it was placed against one neighbour)."""
    s = h.scope
    for block, edit in _insertions(h):
        before, after = _code_near(s.base_file, block.first, -1, 1), _code_near(s.base_file, block.first, 1, 1)
        t_before, t_after = _code_near(s.target_file, edit.start, -1, _GAP_LOOK), _code_near(s.target_file, edit.start, 1, _GAP_LOOK)
        if not before or not after or not t_before or not t_after:
            continue
        if t_before[0] == before[0] and t_after[0] != after[0] and after[0] in t_after:
            gap, closes = t_after.index(after[0]), True
        elif t_after[0] == after[0] and t_before[0] != before[0] and before[0] in t_before:
            gap, closes = t_before.index(before[0]), False
        else:
            continue
        if gap >= _GAP and not _wraps(h, block, edit, closes) and not _own_paragraph(h, block, edit, after[0] if closes else before[0], closes):
            return [_finding(FindingKind.PLACEMENT, Severity.REVIEW,
                             f"the target has {gap} statement line(s) between the base's neighbours of the added lines "
                             f"in {s.function}(): which of those places is right is a guess",
                             f"{s.base_path}:{block.first}", f"{s.target_path}:{edit.start}")]
    return []


def _own_paragraph(h: HunkCode, block: Block, edit: Edit, far: str, forward: bool) -> bool:
    """The added lines keep the base's paragraph in the target (``paragraph_bound``) and the target's
    lines up to the far anchor (``far``, squashed) do not change the flow: those lines are a
    paragraph of their own, not a place the added lines could go."""
    s = h.scope
    if not paragraph_bound(s, block.first, edit.start, block.added):
        return False
    code = [x for x in block.added if code_of(x).strip()]
    if forward and code and all(declared_locals([x]) for x in code + [s.target_file.lines[edit.start - 2]]):
        return True  # a declaration after the same declaration: the target's statements below are no place for it
    lines, step = s.target_file.lines, 1 if forward else -1
    no = edit.start if forward else edit.start - 1
    between: list[str] = []
    while 1 <= no <= len(lines) and _squash(lines[no - 1]) != far and len(between) < _GAP_LOOK:
        between.append(lines[no - 1])
        no += step
    return not changes_flow(between)


def _wraps(h: HunkCode, block: Block, edit: Edit, closes: bool) -> bool:
    """The block is one half of a bracket the hunk adds around kept lines (``spin_lock_bh(&l)``
    before an ``if`` and ``spin_unlock_bh(&l)`` after it; an ``if (...) {`` and its ``}``), the
    other half is placed, and the lines it wraps are the target's too, unchanged and together:
    the block belongs against them (``closes``: after them), not among the target's other lines."""
    s = h.scope
    for other, other_edit in _insertions(h):
        if (other.first < block.first) != closes or other is block:
            continue
        (b1, e1), (b2, e2) = ((other, other_edit), (block, edit)) if closes else ((block, edit), (other, other_edit))
        kept_base = [_squash(x) for x in s.base_file.lines[b1.first - 1:b2.first - 1]]
        kept_target = [_squash(x) for x in s.target_file.lines[e1.start - 1:e2.start - 1]]
        if any(kept_base) and kept_base == kept_target and _bracket(b1.added, b2.added):
            return True
    return False


_PARTNER = {"unlock": "lock", "put": "get", "end": "begin", "exit": "enter", "stop": "start", "enable": "disable",
            "restore": "save", "irqrestore": "irqsave", "release": "acquire", "dec": "inc", "up": "down"}
_CALL_HEAD = re.compile(r"\b([A-Za-z_]\w*)\s*\(\s*([^,()]*)")


def _bracket(opening: tuple[str, ...], closing: tuple[str, ...]) -> bool:
    """``opening`` and ``closing`` are the two halves of one bracket: a block's ``{`` and ``}``,
    or calls named as a pair (``mutex_lock``/``mutex_unlock``, ``down_read``/``up_read``,
    ``spin_lock_irqsave``/``spin_unlock_irqrestore``) on the same first argument."""
    first = [_squash(x) for x in opening if _squash(x)]
    last = [_squash(x) for x in closing if _squash(x)]
    if first and last and first[-1].endswith("{") and last[0].startswith("}"):
        return True
    opened = {(_paired(n), a.strip("& ")) for x in opening for n, a in _CALL_HEAD.findall(code_of(x))}
    return any((_paired(n), a.strip("& ")) in opened and _paired(n) != n
               for x in closing for n, a in _CALL_HEAD.findall(code_of(x)))


def _paired(name: str) -> str:
    """A call's name with its closing words turned into their opening partners."""
    return "_".join(_PARTNER.get(w, w) for w in name.split("_"))


def _code_near(cfile: CFile, at: int, step: int, count: int) -> list[str]:
    """Up to ``count`` squashed code lines from line ``at`` (``step`` 1: at and after, -1: before),
    lines without code skipped."""
    out: list[str] = []
    no = at if step > 0 else at - 1
    while 1 <= no <= len(cfile.lines) and len(out) < count:
        squashed = _squash(cfile.lines[no - 1])
        if squashed:
            out.append(squashed)
        no += step
    return out


_CONDITION = frozenset({"if", "while"})


# --- a release of what the target's function gets another way ------------------------------

_RELEASE = re.compile(r"\b([A-Za-z_]\w*(?:_put|_release|_unref|_free|_unlock)|kfree|kvfree|vfree)\s*\(\s*&?\s*([A-Za-z_]\w*)\s*[,)]")
_ALLOCATES = re.compile(r"alloc|dup")  # kmalloc() in one tree, kzalloc() or kmemdup() in the other: memory all the same
_GOT_FROM = r"(?<![\w>.])\b{var}\s*=\s*(?:\([^()]*\)\s*)?([A-Za-z_]\w*)\s*\("  # "parent = iso_get_sock(", a cast allowed


def released_findings(h: HunkCode) -> list[Finding]:
    """An added release (``sock_put(parent)``, ``kfree(buf)``, ``..._unlock(x)``) of a variable that
    the base's function gets from one call and the target's from others (``iso_get_sock()``, which
    takes a reference, in 6.12; ``iso_get_sock_listen()``, which does not, in 6.1): whether the
    target holds what the added line releases is not shown."""
    s = h.scope
    if not s.function:
        return []
    for line in h.added:
        for release, var in _RELEASE.findall(code_of(line)):
            got = re.compile(_GOT_FROM.format(var=re.escape(var)))
            base = set(got.findall(_function_text(s.base_file, s.base_span)))
            target = set(got.findall(_function_text(s.target_file, s.target_span)))
            if base and target and not base & target and not all(_ALLOCATES.search(n) for n in base | target):
                return [_finding(FindingKind.RELEASE, Severity.REVIEW,
                                 f"the added `{release}({var})` releases `{var}`, which the base's {s.function}() "
                                 f"gets from {', '.join(f'{n}()' for n in sorted(base))} and the target's from "
                                 f"{', '.join(f'{n}()' for n in sorted(target))}: the target may not hold what it releases")]
    return []


def changed_conditions(todo: list[HunkCode]) -> dict[str, tuple[str, str]]:
    """Conditions of the touched functions that the target changed: the base's ``if``/``while``
    head (squashed) -> (the target's version, where), from the statement alignments."""
    out: dict[str, tuple[str, str]] = {}
    for s in {id(h.scope): h.scope for h in todo}.values():
        for pair in s.alignment.pairs:
            if pair.exact or pair.base.tokens[:1] != pair.target.tokens[:1] or pair.base.tokens[:1] not in (("if",), ("while",)):
                continue
            if [t for t in pair.base.tokens if t != "{"] == [t for t in pair.target.tokens if t != "{"]:
                continue  # only a brace added or dropped: the same condition
            text = " ".join(" ".join(code_of(x) for x in s.target_file.lines[pair.target.start - 1:pair.target.end]).split())
            out.setdefault("".join(pair.base.tokens), (text, f"{s.target_path}:{pair.target.start}"))
    return out


def repeated_condition_findings(h: HunkCode, conditions: dict[str, tuple[str, str]]) -> list[Finding]:
    """An added ``if``/``while`` whose condition is one the base has elsewhere in the touched code
    and the target changed (``if (root)`` is ``if (root && !nested)`` there): the copy the patch
    adds likely needs the target's condition too."""
    for line in h.added:
        code = code_of(line).strip()
        if code.split("(")[0].strip() not in _CONDITION:
            continue
        squashed = "".join(code.split())
        hit = conditions.get(squashed) or _extended_condition(h.scope, squashed)
        if hit:
            return [_finding(FindingKind.DRIFT, Severity.REVIEW,
                             f"the added `{code}` repeats a condition that the target changed to `{hit[0]}`: "
                             "the port may need the target's condition", hit[1])]
    return []


def _extended_condition(s: Scope, condition: str) -> tuple[str, str] | None:
    """The base's file has ``condition`` (squashed), the target's file has it nowhere, and has it
    with more terms (``if(a)`` -> ``if(a&&!b)``): where and how."""
    if not condition.endswith(")"):
        return None
    if condition not in _squashed_lines(s.base_file) or condition in _squashed_lines(s.target_file):
        return None
    stem = condition[:-1]
    for no, line in enumerate(s.target_file.lines, 1):
        squashed = _squash(line)
        if squashed.startswith(stem) and squashed[len(stem):len(stem) + 2] in ("&&", "||"):
            return " ".join(code_of(line).split()), f"{s.target_path}:{no}"
    return None


def _squashed_lines(cfile: CFile) -> frozenset[str]:
    return _squashed(cfile.lines)


@lru_cache(maxsize=16)  # the files of one target's hunks, asked once per condition
def _squashed(lines: tuple[str, ...]) -> frozenset[str]:
    return frozenset(_squash(x) for x in lines)


def _block_lines(cfile: CFile, span: tuple[int, int], at: int, skip: set[int]) -> list[str]:
    """The lines of the block that line ``at`` lands in, at that block's own level (nested
    blocks left out), lines in ``skip`` too."""
    out, depth = [], 0
    for no in range(at - 1, span[0] - 1, -1):
        code = code_of(cfile.lines[no - 1])
        depth += code.count("}") - code.count("{")
        if depth < 0:
            break
        if depth == 0 and no not in skip:
            out.append(cfile.lines[no - 1])
    depth = 0
    for no in range(at, span[1] + 1):
        code = code_of(cfile.lines[no - 1])
        depth += code.count("{") - code.count("}")
        if depth < 0:
            break
        if depth == 0 and no not in skip and "{" not in code:
            out.append(cfile.lines[no - 1])
    return out


def _squash(line: str) -> str:
    return "".join(code_of(line).split())


def _squash_keeping_strings(line: str) -> str:
    """A line's code without comments or spaces, its string literals kept: two calls that print
    different messages are different statements."""
    return "".join(split_comment(line)[0].split())


def _window(cfile: CFile, at: int, replaced: int = 0) -> set[str]:
    """The squashed lines within ``_NEAR`` lines of line ``at``, the ``replaced`` lines from it left out."""
    lines = cfile.lines
    return {_squash_keeping_strings(x) for x in lines[max(0, at - 1 - _NEAR):at - 1] + lines[at - 1 + replaced:at - 1 + replaced + _NEAR]}


_DEFINE = re.compile(r"^\s*#\s*define\s+([A-Za-z_]\w*)")
_FUNC_HEAD = re.compile(r"^[A-Za-z_][\w\s\*]*?\b([A-Za-z_]\w*)\s*\([^;]*$")


def defined_by(lines) -> set[str]:
    """Names some lines define: #define'd macros, declared variables, functions whose head they hold."""
    out = declared_locals(lines)
    for line in lines:
        code = code_of(line)
        for pattern in (_DEFINE, _FUNC_HEAD):
            m = pattern.match(code)
            if m:
                out.add(m.group(1))
    return out


def still_defined(removed, target_lines) -> set[str]:
    """Of what the removed lines define, what the target's lines still define."""
    names = defined_by(removed)
    return names & defined_by(target_lines) if names else set()
