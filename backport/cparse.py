"""C parsing: the only module that touches tree-sitter.

It turns a C file into our own small types:

* ``Unit``: a statement-level piece of code (a statement, a block header, a
  closing brace, a comment, a preprocessor line) with its lines and tokens.
  Units partition the non-blank lines of a file: a unit starts on the line
  where a statement starts and runs until the next one starts.
* ``Function``: a function definition (or, for kernel macros tree-sitter
  cannot read, a kernel-style ``name(...)\\n{ ... \\n}`` block found by text).

Kernel macros make tree-sitter emit ERROR nodes; they are counted, not
hidden, and unit boundaries still come from the statements inside them.
Line numbers are 1-based.  The line lexer (code, comment and literals of one
line) is ``clex``, read through this module too.
"""
from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from dataclasses import dataclass, field, replace
from enum import StrEnum
from functools import lru_cache
from itertools import chain

import tree_sitter
import tree_sitter_c

from .clex import code_of, split_comment, split_line, strip_strings  # noqa: F401 - the line lexer, read through cparse too
from .encoding import decode, encode

_CONTAINERS = frozenset({
    "translation_unit", "compound_statement", "field_declaration_list",
    "enumerator_list", "preproc_if", "preproc_ifdef", "preproc_else",
    "preproc_elif", "preproc_elifdef", "case_statement", "labeled_statement",
    "ERROR", "declaration_list", "initializer_list",
})
_BODIES = frozenset({"consequence", "alternative", "body"})
_ATOMS = frozenset({"string_literal", "char_literal", "system_lib_string",
                    "comment", "concatenated_string_never"})
# an identifier, and a member after a dot:  "p->lock", "s.len" (the "s" and "len" of it)
_IDENT = re.compile(r"(?<![\w.])[A-Za-z_]\w*|(?<=\.)[A-Za-z_]\w*")
# one C token:  "spin_lock_irq", "0x1fUL", "->", "<<=", "...", ";"
_TOKEN = re.compile(r"[A-Za-z_]\w*|0[xX][0-9a-fA-F]+[uUlL]*|\d+[\w.]*|->|\+\+|--|<<=?|>>=?|[<>!=+\-*/%&|^]=|&&|\|\||\.\.\.|\S")
# a function head at column 0:  "static int swap_entry_free(struct swap_info_struct *p," (groups: name, first word)
_DEF_HEAD = re.compile(r"^(?:[A-Za-z_][^;{}=(]*?[\s*])?([A-Za-z_]\w*)\s*\(\s*([A-Za-z_]\w*)?")
_MACRO_NAME = re.compile(r"^[A-Z][A-Z0-9_]*$")  # SYSCALL_DEFINE3, BPF_CALL_2, ...
_FIRST_ARG = re.compile(r"\(\s*([A-Za-z_]\w*)")  # "(openat, int, dfd" -> "openat"
# what a file's text is lexed into besides code:  "a \"b\"", '\n', /* a comment */, // a comment
_LEXEME = re.compile(r'"(?:\\.|[^"\\\n])*"|\'(?:\\.|[^\'\\\n])*\'|/\*.*?\*/|//[^\n]*', re.S)


class UnitKind(StrEnum):
    """A statement unit is code, or a comment standing on its own lines."""

    CODE = "code"
    COMMENT = "comment"


@dataclass(frozen=True)
class Unit:
    start: int  # first line (1-based)
    end: int  # last non-blank line
    kind: UnitKind
    tokens: tuple[str, ...]  # code tokens (comments excluded)
    comment: str  # words of the comments in this unit, normalised

    @property
    def key(self) -> str:
        """What alignment compares: code tokens, or comment words."""
        return " ".join(self.tokens) if self.tokens else "/* " + self.comment + " */"


@dataclass(frozen=True)
class Function:
    name: str
    start: int  # line of the declaration head
    end: int  # line of the closing brace
    errors: int  # tree-sitter ERROR/MISSING nodes inside
    by_text: bool = False  # found by kernel-style text scan, not by the parser


@dataclass(frozen=True)
class _Index:
    """Where to look things up in a file: built with it, never changed."""

    unit_starts: tuple[int, ...]
    function_starts: tuple[int, ...]
    by_name: dict[str, Function]  # the longest function of each name
    tokens: frozenset[str]  # every code token of the file

    @classmethod
    def of(cls, units: tuple[Unit, ...], functions: tuple[Function, ...]) -> _Index:
        by_name: dict[str, Function] = {}
        for f in functions:
            if f.name not in by_name or f.end - f.start > by_name[f.name].end - by_name[f.name].start:
                by_name[f.name] = f
        return cls(tuple(u.start for u in units), tuple(f.start for f in functions), by_name,
                   frozenset(chain.from_iterable(u.tokens for u in units)))


@dataclass(frozen=True)
class CFile:
    lines: tuple[str, ...]  # the text, one entry per line, without newlines
    units: tuple[Unit, ...]
    functions: tuple[Function, ...]
    errors: int  # ERROR and MISSING nodes in the whole file
    index: _Index = field(repr=False, compare=False)

    @classmethod
    def of(cls, lines: tuple[str, ...], units: tuple[Unit, ...], functions: tuple[Function, ...],
           errors: int) -> CFile:
        return cls(lines, units, functions, errors, _Index.of(units, functions))

    def function_at(self, line: int) -> Function | None:
        """The innermost function whose lines contain ``line``."""
        k = bisect_right(self.index.function_starts, line)
        inside = [f for f in self.functions[max(0, k - 8):k] if f.start <= line <= f.end]
        if not inside:  # nested or overlapping spans (text-found functions): look at all
            inside = [f for f in self.functions[:k] if f.start <= line <= f.end]
        return min(inside, key=lambda f: f.end - f.start, default=None)

    def function(self, name: str) -> Function | None:
        """The longest function of that name (a prototype-like fragment loses to the body)."""
        return self.index.by_name.get(name)

    def definitions(self, name: str) -> tuple[Function, ...]:
        """Every function of that name, in file order (one per ``#if`` branch of a header)."""
        return tuple(f for f in self.functions if f.name == name)

    def units_between(self, start: int, end: int) -> list[Unit]:
        starts = self.index.unit_starts
        lo, hi = bisect_left(starts, start), bisect_right(starts, end)
        return [u for u in self.units[lo:hi] if u.end <= end]

    def statement(self, unit: Unit) -> str:
        """A unit's text on one line, its blanks squashed (as findings quote it)."""
        return " ".join(" ".join(self.lines[unit.start - 1:unit.end]).split())


@lru_cache(maxsize=1)
def _parser() -> tree_sitter.Parser:
    return tree_sitter.Parser(tree_sitter.Language(tree_sitter_c.language()))


def parse(text: str) -> CFile:
    """Parse C source text (str decoded with surrogateescape)."""
    data = encode(text)
    root = _parser().parse(data).root_node
    lines = tuple(text.split("\n"))
    walk = _Walk(data)
    walk.visit(root)
    tokens, comments = _lex(text, len(lines))
    units = _units(lines, walk.boundaries, tokens, comments)
    functions = _merge_functions(walk.functions, _functions_by_text(lines))
    return CFile.of(lines, units, functions, _count_errors(root))


_TOP = frozenset({"translation_unit", "preproc_if", "preproc_ifdef", "preproc_else", "preproc_elif",
                  "preproc_elifdef", "ERROR", "linkage_specification", "declaration_list"})


def function_errors(text: str) -> dict[str, int]:
    """ERROR/MISSING nodes per function, without building units (a cheap re-parse)."""
    data = encode(text)
    stack = [_parser().parse(data).root_node]
    found: dict[str, int] = {}
    while stack:
        node = stack.pop()
        if node.type == "function_definition":
            name = _declarator_name(node.child_by_field_name("declarator"), data)
            if name and _MACRO_NAME.match(name):
                head = data[node.start_byte:node.end_byte].split(b"{", 1)[0].decode("utf-8", "replace")
                name = macro_function_name(name, head)
            if name:
                found[name] = max(found.get(name, 0), _count_errors(node))
        elif node.type in _TOP:
            stack.extend(node.children)
    return found


_DESCEND = _CONTAINERS | frozenset({
    "function_definition", "if_statement", "for_statement", "while_statement", "do_statement",
    "switch_statement", "else_clause", "declaration", "struct_specifier", "union_specifier",
    "enum_specifier", "type_definition", "field_declaration", "init_declarator",
})


class _Walk:
    """One pass over the statement-level nodes: unit boundaries and functions.

    Expressions are not descended into: no statement starts inside one.
    """

    def __init__(self, data: bytes):
        self.data = data
        self.boundaries: set[int] = set()
        self.functions: list[Function] = []

    def visit(self, root) -> None:
        stack: list[tuple[tree_sitter.Node, tree_sitter.Node | None, str | None]] = [(root, None, None)]
        while stack:
            node, parent, field = stack.pop()
            self._mark(node, parent, field)
            if node.type in _DESCEND or parent is None:
                stack.extend((c, node, name) for c, name in _children(node) if c.is_named or c.type == "}")

    def _mark(self, node, parent, field) -> None:
        if parent is not None and node.is_named and (parent.type in _CONTAINERS or field in _BODIES):
            self.boundaries.add(node.start_point[0] + 1)
        if node.type == "compound_statement" and node.child_count:
            self.boundaries.add(node.children[-1].start_point[0] + 1)
        if node.type == "function_definition":
            self.functions.append(self._function(node))

    def _function(self, node) -> Function:
        errors = _count_errors(node)
        name = _declarator_name(node.child_by_field_name("declarator"), self.data)
        if name and _MACRO_NAME.match(name):
            head = self.data[node.start_byte:node.end_byte].split(b"{", 1)[0].decode("utf-8", "replace")
            name = macro_function_name(name, head)
        return Function(name or "", node.start_point[0] + 1, node.end_point[0] + 1, errors)


def _children(node) -> list[tuple[tree_sitter.Node, str | None]]:
    """(child, field name) of each child, by one cursor walk (``field_name_for_child(i)`` walks
    the children up to i each time: quadratic in a node with thousands of children)."""
    out = []
    cursor = node.walk()
    if cursor.goto_first_child():
        out.append((cursor.node, cursor.field_name))
        while cursor.goto_next_sibling():
            out.append((cursor.node, cursor.field_name))
    return out


def _lex(text: str, count: int) -> tuple[list[list[str] | None], dict[int, list[str]]]:
    """The code tokens and the comments' words of a C text of ``count`` lines, by line (0-based):
    tokens[line] (None: none), comments[line]."""
    tokens: list[list[str] | None] = [None] * count
    comments: dict[int, list[str]] = {}
    line, pos = 0, 0
    for m in _LEXEME.finditer(text):
        line = _code_tokens(text[pos:m.start()], line, tokens)
        lexeme = m.group(0)
        if lexeme[0] in "\"'":
            _add(tokens, line, [lexeme])
        else:
            comments.setdefault(line, []).append(comment_words(lexeme))
        line += lexeme.count("\n")
        pos = m.end()
    _code_tokens(text[pos:], line, tokens)
    return tokens, comments


def _code_tokens(chunk: str, line: int, out: list[list[str] | None]) -> int:
    pieces = chunk.split("\n")
    for k, piece in enumerate(pieces):
        found = _TOKEN.findall(piece)
        if found:
            _add(out, line + k, found)
    return line + len(pieces) - 1


def _add(out: list[list[str] | None], line: int, found: list[str]) -> None:
    have = out[line]
    if have is None:
        out[line] = found
    else:
        have.extend(found)


def _count_errors(node) -> int:
    count, stack = 0, [node]
    while stack:
        n = stack.pop()
        count += n.is_error or n.is_missing
        if n.has_error:
            stack.extend(n.children)
    return count


def _declarator_name(node, data: bytes) -> str | None:
    while node is not None:
        if node.type in ("identifier", "field_identifier"):
            return decode(data[node.start_byte:node.end_byte])
        inner = node.child_by_field_name("declarator")
        node = inner if inner is not None else (node.named_children[0] if node.named_children else None)
    return None


def _units(lines, boundaries, tokens, comments) -> tuple[Unit, ...]:
    """The units of a file: from each boundary line (a statement's first line, a preprocessor
    line; line 1) to the next, with the code tokens and comment words of their lines; a unit
    ends at its last non-blank line, and one with neither tokens nor comments is none."""
    boundaries = set(boundaries) | {i + 1 for i, s in enumerate(lines) if s.lstrip().startswith("#")}
    out: list[Unit] = []
    start, end = 0, 0
    toks: list[str] = []
    words: list[str] = []
    for no, text in enumerate(lines, 1):
        if no in boundaries or start == 0:
            if toks or words:
                out.append(Unit(start, end, UnitKind.CODE if toks else UnitKind.COMMENT, tuple(toks), " ".join(words)))
            start, end, toks, words = no, no, [], []
        if text.strip():
            end = no
            found = tokens[no - 1]
            if found is not None:
                toks.extend(found)
            if no - 1 in comments:
                words.extend(comments[no - 1])
    if toks or words:
        out.append(Unit(start, end, UnitKind.CODE if toks else UnitKind.COMMENT, tuple(toks), " ".join(words)))
    return tuple(out)


def _functions_by_text(lines) -> list[Function]:
    """Kernel-style functions: a head at column 0, '{' alone at column 0, '}' at column 0."""
    found = []
    closing = _next_closing(lines)
    for i, text in enumerate(lines):
        if text != "{" or i == 0:
            continue
        head = _head_line(lines, i)
        end = closing[i]
        if head is None or end is None:
            continue
        m = _DEF_HEAD.match(lines[head])
        if m:
            name = macro_function_name(m.group(1), lines[head]) if _MACRO_NAME.match(m.group(1)) else m.group(1)
            found.append(Function(name, head + 1, end + 1, 0, by_text=True))
    return found


def _next_closing(lines) -> list[int | None]:
    """For each line, the index of the first later line starting with '}' (one pass, from the end)."""
    out: list[int | None] = [None] * len(lines)
    after = None
    for j in range(len(lines) - 1, -1, -1):
        out[j] = after
        if lines[j].startswith("}"):
            after = j
    return out


def _head_line(lines, brace: int) -> int | None:
    """The column-0 line that starts the declaration ending just above ``brace``."""
    for j in range(brace - 1, max(brace - 8, -1), -1):
        text = lines[j]
        if not text.strip() or text.rstrip().endswith((";", "}")) or text.startswith("#"):
            return None
        if text[:1].isalpha() or text[:1] == "_":
            return j
    return None


def _merge_functions(parsed: list[Function], by_text: list[Function]) -> tuple[Function, ...]:
    """Parser results first; text-found functions fill where the parser failed."""
    good = _trimmed([f for f in parsed if f.name], by_text)
    covered = {(f.name, f.start) for f in good}
    spans = [(f.start, f.end) for f in good]
    for f in by_text:
        if (f.name, f.start) in covered or any(s <= f.start and f.end <= e for s, e in spans):
            continue
        good.append(f)
    return tuple(sorted(good, key=lambda f: f.start))


def _trimmed(parsed: list[Function], by_text: list[Function]) -> list[Function]:
    """A parsed function with ERROR nodes that runs past its own column-0 ``}`` (tree-sitter,
    lost in a brace-less ``for_each_...(x)`` macro loop, swallowed the functions after it) ends
    there, found by its text: the functions it swallowed are then found by theirs."""
    ends = {(f.name, f.start): f.end for f in by_text}
    return [replace(f, end=ends[(f.name, f.start)], by_text=True)
            if f.errors and ends.get((f.name, f.start), f.end) < f.end else f for f in parsed]


def macro_function_name(macro: str, head: str) -> str:
    """``SYSCALL_DEFINE3(openat, ...)`` defines ``openat``: kernel macros that
    define functions name them in their first argument."""
    after = head[head.find(macro) + len(macro):]
    m = _FIRST_ARG.match(after.lstrip()) if after.lstrip().startswith("(") else None
    return m.group(1) if m else macro


def tokenize(text: str) -> list[str]:
    """C tokens of a fragment of code (no comment handling)."""
    return _TOKEN.findall(text)


def identifiers(text: str) -> list[str]:
    return _IDENT.findall(text)


def comment_words(text: str) -> str:
    """A comment's words with the markers and leading stars removed."""
    body = text.strip()
    body = body[2:] if body.startswith(("/*", "//")) else body
    body = body[:-2] if body.endswith("*/") else body
    lines = (ln.strip().lstrip("*").strip() for ln in body.split("\n"))
    return " ".join(" ".join(lines).split())


def parse_lines(text: str) -> CFile:
    """A file that is not C (Kconfig, Makefile, Documentation): one unit per line."""
    lines = tuple(text.split("\n"))
    units = tuple(Unit(no, no, UnitKind.CODE, tuple(s.split()), "") for no, s in enumerate(lines, 1) if s.strip())
    return CFile.of(lines, units, (), 0)
