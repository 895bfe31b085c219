"""Text from strangers, made safe to show on a terminal and to put in a mail header.

A reference patch is mail from anyone: its subject, author, paths and added
lines may hold ESC sequences (colours, OSC 52 clipboard writes, window
titles), BEL, backspace, carriage returns that overwrite what was printed,
bidirectional overrides (Trojan Source), or an encoded newline meant to become
an extra mail header.  Nothing of it may drive the maintainer's terminal or
``git send-email``:

* ``visible(text)`` shows every such character as an escape (``\\x1b``,
  ``\\u202e``, ``\\xe9`` for a raw byte kept by surrogateescape), tabs and
  newlines kept (``newlines=False`` shows ``\\n`` too);
* ``one_line(text)`` is a header value: line breaks and other control
  characters become spaces, runs of blanks one space;
* ``Shown`` wraps a rich renderable so that whatever it renders reaches the
  terminal as text only; ``text_console`` makes a console that wraps every
  renderable in it (the last line of defence under renderers that already pass
  input through ``visible`` and build ``rich.text.Text``, never markup).
"""
from __future__ import annotations

import re

# C0 controls but tab and newline, DEL, C1 controls (0x9b is CSI on 8-bit
# terminals), zero-width characters, bidirectional marks and overrides, line/paragraph separators,
# and lone surrogates (raw bytes kept by surrogateescape).
_UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200b-\u200f\u2028\u2029\u202a-\u202e"
                     "\u2060-\u2064\u2066-\u2069\ufeff\ud800-\udfff]")
_UNSAFE_OR_NEWLINE = re.compile(_UNSAFE.pattern[:-1] + "\n]")
_HEADER_BREAKS = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\u0085]+")
_BLANKS = re.compile(r"[ \t]{2,}")


def _escape(m: re.Match) -> str:
    ch = m.group(0)
    code = ord(ch)
    if 0xDC80 <= code <= 0xDCFF:  # a byte that was not UTF-8
        return f"\\x{code - 0xDC00:02x}"
    if code == 0x0A:
        return "\\n"
    if code == 0x0D:
        return "\\r"
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def visible(text: str, *, newlines: bool = True) -> str:
    """``text`` with every character that could act on a terminal shown as an escape."""
    pattern = _UNSAFE if newlines else _UNSAFE_OR_NEWLINE
    return pattern.sub(_escape, text) if pattern.search(text) else text


def line(text: str) -> str:
    """One line for a terminal: as ``visible``, newlines shown as ``\\n``."""
    return visible(text, newlines=False)


def one_line(text: str) -> str:
    """A mail header value: no line break or control character can survive in it."""
    if not _HEADER_BREAKS.search(text) and "  " not in text and "\t" not in text:
        return text.strip(" ")
    folded = _HEADER_BREAKS.sub(" ", text).replace("\t", " ")
    folded = re.sub("[\ud800-\udfff]", "\ufffd", folded)
    return _BLANKS.sub(" ", folded).strip(" ")


def unsafe_in(text: str) -> list[str]:
    """The unsafe characters of ``text`` (escaped), for a message saying what was found."""
    return sorted({_escape(m) for m in _UNSAFE.finditer(text)})


class Shown:
    """A renderable whose text reaches the terminal only as text (see ``visible``).

    Styles are kept but lose any hyperlink: a link can only come from input.
    """

    def __init__(self, inner):
        self.inner = inner

    def __rich_console__(self, console, options):
        from rich.segment import Segment
        for seg in console.render(self.inner, options):
            if seg.control:
                yield seg  # cursor movement emitted by rich itself (progress bars)
                continue
            style = seg.style.update_link(None) if seg.style is not None and seg.style.link else seg.style
            yield Segment(visible(seg.text), style)


def text_console(**options):
    """A rich ``Console`` for input-derived text: no markup, no emoji codes, no
    highlighting, and every renderable wrapped in ``Shown``."""
    from rich.console import Console, RenderHook

    class _TextOnly(RenderHook):
        def process_renderables(self, renderables):
            return [r if isinstance(r, Shown) else Shown(r) for r in renderables]

    options = {"markup": False, "emoji": False, "highlight": False, **options}
    console = Console(**options)
    console.push_render_hook(_TextOnly())
    return console
