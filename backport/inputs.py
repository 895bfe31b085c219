"""Reading the user's input files (patch, jobs file, report.json): regular
files only, never more than a size limit, so a FIFO, a device such as
``/dev/zero`` or a huge file is refused up front instead of being read
forever or until memory runs out.  Standard input (``-``) is allowed and
bounded by the same limit."""
from __future__ import annotations

import argparse
import errno
import os
import re
import stat
import sys

from .errors import BackportError, PatchError

DEFAULT_LIMIT = 64 * 2**20
STDIN = "-"
_limit = DEFAULT_LIMIT
_UNITS = {"": 1, "K": 2**10, "M": 2**20, "G": 2**30}
_KINDS = ((stat.S_ISFIFO, "a FIFO"), (stat.S_ISCHR, "a character device"), (stat.S_ISBLK, "a block device"),
          (stat.S_ISSOCK, "a socket"))


def set_limit(size: int) -> None:
    """The largest input read, in bytes (``--max-input-size``)."""
    global _limit
    _limit = size


def limit() -> int:
    return _limit


def parse_size(text: str) -> int:
    """``65536``, ``512K``, ``64M``, ``1G`` (powers of 1024); an argparse type."""
    m = re.fullmatch(r"\s*(\d{1,15})\s*([KMG]?)i?B?\s*", text, re.IGNORECASE)
    if not m or int(m.group(1)) == 0:
        raise argparse.ArgumentTypeError(f"not a size: {text!r} (say 64M, 512K, 1G or a number of bytes)")
    return int(m.group(1)) * _UNITS[m.group(2).upper()]


def human(size: int) -> str:
    for unit, scale in (("GiB", 2**30), ("MiB", 2**20), ("KiB", 2**10)):
        if size >= scale and size % scale == 0:
            return f"{size // scale} {unit}"
    return f"{size} bytes"


def read_input(path: str, what: str, *, source: str | None = None,
               error: type[BackportError] = PatchError) -> bytes:
    """The bytes of ``path`` ('-': standard input), or ``error`` saying why not
    ("cannot read <what>: ...")."""
    source = source or path
    if path == STDIN:
        return _bounded(sys.stdin.buffer, what, source, error)
    try:
        mode = os.stat(path).st_mode
        if stat.S_ISDIR(mode):
            raise error(f"cannot read {what}: {os.strerror(errno.EISDIR)}", source=source)
        kind = _kind(mode)
        if kind:
            raise error(f"cannot read {what}: it is {kind}, not a regular file", source=source)
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_NOCTTY | os.O_CLOEXEC)
    except OSError as err:
        raise error(f"cannot read {what}: {err.strerror or err}", source=source) from None
    except ValueError as err:  # an embedded NUL byte in the path
        raise error(f"cannot read {what}: {err}", source=source) from None
    with os.fdopen(fd, "rb") as f:
        try:
            st = os.fstat(fd)
            kind = _kind(st.st_mode)  # swapped for something else since the stat above
            if kind:
                raise error(f"cannot read {what}: it is {kind}, not a regular file", source=source)
            if st.st_size > _limit:
                raise error(_too_big(what, st.st_size), source=source)
            os.set_blocking(fd, True)
            return _bounded(f, what, source, error)
        except OSError as err:
            raise error(f"cannot read {what}: {err.strerror or err}", source=source) from None


def _kind(mode: int) -> str | None:
    if stat.S_ISREG(mode):
        return None
    return next((name for test, name in _KINDS if test(mode)), "a special file")


def _bounded(stream, what: str, source: str, error) -> bytes:
    data = stream.read(_limit + 1)
    if data is None:
        data = b""
    if len(data) > _limit:
        raise error(_too_big(what, None), source=source)
    return data


def _too_big(what: str, size: int | None) -> str:
    have = f"{size} bytes, " if size is not None else ""
    return (f"cannot read {what}: {have}more than the {human(_limit)} limit "
            f"(--max-input-size raises it)")
