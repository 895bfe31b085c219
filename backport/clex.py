"""The C line lexer: the code, comment and literals of one source line, by text alone.

Rough on purpose: a comment is not followed across lines, which is what the
line-by-line readers need (the checks, the renames of added lines, the
indentation of repaired lines).  No tree-sitter here (that is ``cparse``,
which builds on this module): importing it costs nothing.
"""
from __future__ import annotations

import re
from functools import lru_cache

# a line that is all comment:  "/* text", "// text", " * text", " */"; not "*p = x;"
COMMENT_LINE = re.compile(r"^(?:/\*|//|\*(?:\s|/|$))")
# a string or character literal, read left to right:  "a \"b\" c", 'a', '\n', '"'
LITERAL = re.compile(r'"(?:[^"\\]|\\.)*"|\'(?:[^\'\\]|\\.)+\'')


def split_line(line: str) -> tuple[str, str, str]:
    """(code, comment marker, comment text) of one line; a comment line (``/* x``, `` * x``,
    ``*/``) is all comment, while ``*p = x;`` is code; a ``/*`` inside a string literal is not
    a comment."""
    stripped = line.strip()
    if COMMENT_LINE.match(stripped):
        return "", "", stripped
    if "/" not in line:
        return line, "", ""
    i, quote = 0, ""
    while i < len(line):
        c = line[i]
        if quote:
            if c == "\\":
                i += 1
            elif c == quote:
                quote = ""
        elif c in "\"'":
            quote = c
        elif c == "/" and line[i + 1:i + 2] in ("*", "/"):
            return line[:i], line[i:i + 2], line[i + 2:]
        i += 1
    return line, "", ""


def strip_strings(text: str) -> str:
    """Code with its string literals emptied and character literals made ``0``."""
    return LITERAL.sub(lambda m: '""' if m.group(0)[0] == '"' else "0", text)


def mask_literals(text: str) -> str:
    """Code with the inside of each literal blanked: same length, so columns still hold."""
    return LITERAL.sub(lambda m: m.group(0)[0] + " " * (len(m.group(0)) - 2) + m.group(0)[-1], text)


def literal_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) of each string and character literal of ``text``."""
    return [m.span() for m in LITERAL.finditer(text)]


@lru_cache(maxsize=1 << 16)  # the same lines are looked at by several checks, and kernel code repeats itself
def code_of(line: str) -> str:
    """The code part of a line: no comment, string literals emptied."""
    return strip_strings(split_line(line)[0])


def split_comment(line: str) -> tuple[str, str]:
    """(code part, comment part) of one line, as ``split_line`` reads it: a comment line's
    code part is its indentation."""
    code, marker, comment = split_line(line)
    if not code and not marker and comment:
        return line[: len(line) - len(line.lstrip())], line.lstrip()
    return code, marker + comment


def top_commas(text: str) -> list[str]:
    """``text`` cut at the commas outside brackets: ``a, f(b, c), d[1, 2]`` -> ``a``, `` f(b, c)``, `` d[1, 2]``."""
    parts, depth, cur = [], 0, list[str]()
    for ch in text:
        depth += ch in "([{"
        depth -= ch in ")]}"
        if ch == "," and depth == 0:
            parts.append("".join(cur))
            cur = []
        else:
            cur.append(ch)
    return parts + ["".join(cur)]


def call_arguments(text: str, start: int) -> list[str] | None:
    """The top-level arguments of the call whose ``(`` is ``text[start - 1]``, None when its
    ``)`` is not in ``text``."""
    depth = 0
    for i, ch in enumerate(text[start:], start):
        depth += ch in "([{"
        if ch in ")]}":
            if depth == 0:
                return top_commas(text[start:i])
            depth -= 1
    return None


def declared_locals(lines) -> set[str]:
    """Variables some lines declare (``u8 cgx_id, *lmac = NULL, buf[4];``)."""
    out = set()
    for line in lines:
        code = code_of(line).strip()
        if not code.endswith(";") or code.split()[:1] in _NOT_DECL:
            continue
        if "__" in code:
            code = _ANNOTATION.sub(" ", code)
        m = _DECL_HEAD.match(code)
        if not m:
            continue
        for part in top_commas(code[m.end():-1]):
            head = part.split("=")[0].strip().lstrip("*").strip()
            name = re.fullmatch(r"([A-Za-z_]\w*)\s*(?:\[[^\]]*\]\s*)*", head)
            if name and "(" not in head:
                out.add(name.group(1))
    return out


_NOT_DECL = (["return"], ["goto"], ["else"], ["case"], ["do"], ["break;"], ["continue;"])
# the kernel's annotations of a declaration (sparse address spaces, sections, cleanup.h, attributes)
_ANNOTATION = re.compile(r"\b(?:__(?:rcu|percpu|iomem|user|force|kernel|private|must_check|maybe_unused|always_unused"
                         r"|unused|read_mostly|ro_after_init|initdata|initconst|init|exit|packed|cacheline_aligned\w*)"
                         r"|____cacheline_aligned\w*)\b"
                         r"|\b__(?:aligned|free|counted_by|guarded_by|attribute__)\s*\((?:[^()]|\([^()]*\))*\)")
_DECL_HEAD = re.compile(r"^(?:(?:const|unsigned|signed|static|struct|enum|union|volatile|register)\s+)*"
                        r"[A-Za-z_]\w*(?:\s+const)?(?=\s|\*)")
