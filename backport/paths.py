"""Where the tool may write, checked before any work, and the renames that put
an output in place without ever replacing what was not checked.

``check_paths`` refuses (exit 2, one line) an ``-o``, ``--json`` or
``--report`` that would destroy something: the repository (``--repo``, the
jobs' repos), anything inside a git directory, a directory holding the
repository, an input (patch, jobs file, ``--base``/``--to`` directory) or
the current directory, an input file itself, and two outputs that are the
same file.  ``--force`` replaces only a directory a previous run wrote (its
``report.json`` or ``batch.json`` says so).

``place`` renames the staging directory to OUT with RENAME_NOREPLACE
(renameat2), or where the kernel or file system lacks it, by creating OUT
empty (``mkdir`` fails when it exists) and renaming onto that empty
directory.  ``swap`` exchanges a checked old OUT with the staging directory
(RENAME_EXCHANGE), so the old one is removed only once the new one is in
place.  A symlink OUT is followed: the directory it names is written, the
link itself is never renamed."""
from __future__ import annotations

import ctypes
import errno
import json
import os
import signal
import stat
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .errors import OutputError

RENAME_NOREPLACE, RENAME_EXCHANGE = 1, 2
AT_FDCWD = -100
_UNSUPPORTED = {errno.EINVAL, errno.ENOSYS, errno.EOPNOTSUPP, errno.ENOTSUP}
_HELD = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)


@dataclass(frozen=True)
class Inputs:
    """What a run reads: it is never written, replaced or deleted."""

    files: tuple[str, ...] = ()  # patch files, the jobs file
    trees: tuple[str, ...] = ()  # --base/--to directories
    repos: tuple[str, ...] = ()  # --repo, the jobs' repos


# ---------------------------------------------------------------------------
# checks before any work


def check_paths(out: str | None, inputs: Inputs, *, json_file: str | None = None,
                report_file: str | None = None, force: bool = False) -> None:
    """Raise OutputError when ``out``, ``json_file`` or ``report_file`` names something the run
    must not write (see the module's text)."""
    kept = _kept(inputs)
    if out is not None:
        _check_out(out, kept)
        if os.path.lexists(out) and not force:
            raise OutputError("output directory exists; use --force to replace it", source=out)
        if os.path.lexists(out):
            previous_output(Path(out))
    named = [(opt, f) for opt, f in (("--json", json_file), ("--report", report_file)) if f and f != "-"]
    for opt, file in named:
        _check_file(opt, file, out, inputs, kept)
    if len(named) == 2 and _real(named[0][1]) == _real(named[1][1]):
        raise OutputError("--json and --report name the same file", source=named[1][1])


def _kept(inputs: Inputs) -> list[tuple[Path, str]]:
    """(real path, what it is) of everything the run must leave alone."""
    kept = [(_real(r), "the repository (--repo)") for r in inputs.repos]
    kept += [(_real(g), "the repository's git directory") for r in inputs.repos for g in _git_dirs(r)]
    kept += [(_real(t), "a --base/--to tree") for t in inputs.trees]
    kept += [(_real(f), "an input file") for f in inputs.files if f and f != "-"]
    try:
        kept.append((_real(os.getcwd()), "the current directory"))
    except OSError:  # the current directory was removed
        pass
    return kept


def _check_out(out: str, kept: list[tuple[Path, str]]) -> None:
    if not out.strip():
        raise OutputError("-o names no directory", source=repr(out))
    real = _real(out)
    git = _inside_git_dir(real)
    if git:
        where = "is the git directory" if git == real else f"is inside the git directory {git}"
        raise OutputError(f"{where}; refusing to write there", source=out)
    for path, what in kept:
        if path == real:
            raise OutputError(f"is {what}; refusing to write there", source=out)
        if real in path.parents:
            raise OutputError(f"holds {what} ({path}); refusing to write there", source=out)
    if os.path.islink(out) and not os.path.exists(out):
        raise OutputError("is a symbolic link to nothing; give the directory itself", source=out)


def _check_file(opt: str, file: str, out: str | None, inputs: Inputs, kept) -> None:
    real = _real(file)
    git = _inside_git_dir(real)
    if git:
        raise OutputError(f"{opt} is inside the git directory {git}; refusing to write there", source=file)
    for path, what in kept:
        if path == real or real in path.parents:
            raise OutputError(f"{opt} would overwrite {what}", source=file)
    if out is not None and (real == _real(out) or _real(out) in real.parents):
        raise OutputError(f"{opt} is inside -o {out}, which the run writes whole (it holds "
                          f"report.json and report.md anyway)", source=file)
    if os.path.isdir(real):
        raise OutputError(f"{opt} is a directory", source=file)
    if any(_same_file(real, f) for f in inputs.files if f != "-"):
        raise OutputError(f"{opt} is a hard link to an input file", source=file)
    if os.path.exists(real):
        for tree in list(inputs.trees) + list(inputs.repos):
            if _real(tree) in real.parents:
                raise OutputError(f"{opt} would overwrite a file of {tree}", source=file)


def _real(path: str) -> Path:
    return Path(os.path.realpath(path))


def _same_file(a, b) -> bool:
    try:
        return os.path.samefile(a, b)
    except (OSError, ValueError):
        return False


def _git_dirs(repo: str) -> list[str]:
    """The git directories of a checkout (``.git``, or where a ``gitdir:`` file points)."""
    root = _real(repo)
    if _is_git_dir(root):
        return [str(root)]
    dot = root / ".git"
    if dot.is_dir():
        return [str(dot)]
    try:
        text = dot.read_text(errors="replace")[:4096] if dot.is_file() else ""
    except OSError:
        return []
    if text.startswith("gitdir:"):
        gitdir = (root / text[7:].strip()).resolve()
        common = gitdir / "commondir"
        found = [str(gitdir)]
        if common.is_file():
            found.append(str((gitdir / common.read_text().strip()).resolve()))
        return found
    return []


def _is_git_dir(path: Path) -> bool:
    try:
        return path.name == ".git" or ((path / "HEAD").is_file() and (path / "objects").is_dir()
                                       and (path / "refs").is_dir())
    except OSError:
        return False


def _inside_git_dir(real: Path) -> Path | None:
    """The git directory (``.git``, a bare repository) holding ``real``, or ``real`` itself if it is one."""
    for path in (real, *real.parents):
        if path != path.parent and _is_git_dir(path):
            return path
    return None


def previous_output(path: Path) -> os.stat_result:
    """The stat of ``path`` when --force may replace it: a directory a backport run wrote."""
    if not os.path.isdir(path):
        kind = ("a symbolic link to nothing" if not os.path.exists(path) else "a file" if os.path.isfile(path)
                else "a special file")
        raise OutputError(f"is {kind}, not a backport output directory; --force replaces only those",
                          source=str(path))
    if os.path.lexists(Path(path) / ".git"):
        raise OutputError("is a git checkout, not a backport output directory; --force replaces only those",
                          source=str(path))
    if not (_wrote(Path(path) / "report.json", _report_doc) or _wrote(Path(path) / "batch.json", _batch_doc)):
        raise OutputError("is not a backport output directory (no report.json or batch.json backport wrote); "
                          "--force replaces only those", source=str(path))
    return os.stat(path)


def _wrote(file: Path, looks_right) -> bool:
    from .inputs import read_input
    if not file.is_file() or file.is_symlink():
        return False
    try:
        doc = json.loads(read_input(str(file), "report"))
    except Exception:  # noqa: BLE001 - unreadable, not JSON, too deep: not ours
        return False
    return isinstance(doc, dict) and looks_right(doc)


def _report_doc(doc: dict) -> bool:
    return (type(doc.get("schema")) is int and isinstance(doc.get("tool"), str)
            and doc["tool"].startswith("backport ") and isinstance(doc.get("patches"), list))


def _batch_doc(doc: dict) -> bool:
    return type(doc.get("schema")) is int and isinstance(doc.get("jobs"), list)


def _still_output(path: Path) -> bool:
    """Still a previous output (a directory made anew may get the inode number of the one removed)."""
    try:
        previous_output(path)
    except OutputError:
        return False
    return True


def _same(path: Path, previous: tuple[int, int]) -> bool:
    try:
        st = os.lstat(path)
    except OSError:
        return False
    return stat.S_ISDIR(st.st_mode) and (st.st_dev, st.st_ino) == previous


# ---------------------------------------------------------------------------
# renames that do not replace


def _renamed(stage: Path, out: Path, flags: int) -> bool:
    """``renameat2(stage, out, flags)`` done; False where the system has no renameat2."""
    try:
        _renameat2(stage, out, flags)
    except NotImplementedError:
        return False
    return True


def place(stage: Path, out: Path) -> None:
    """Rename ``stage`` to ``out``; FileExistsError when ``out`` exists (it is left as it is)."""
    if _renamed(stage, out, RENAME_NOREPLACE):
        return
    os.mkdir(out)  # claims the name: FileExistsError when something is there
    try:
        os.rename(stage, out)  # onto our own empty directory; ENOTEMPTY if someone filled it
    except OSError as err:
        try:
            os.rmdir(out)
        except OSError:
            pass
        if err.errno in (errno.ENOTEMPTY, errno.EEXIST):
            raise FileExistsError(err.errno, err.strerror) from None
        raise


def swap(stage: Path, out: Path) -> None:
    """Exchange ``stage`` and ``out`` (both directories): the new output is in place, the old one at ``stage``."""
    if _renamed(stage, out, RENAME_EXCHANGE):
        return
    import tempfile
    hold = Path(tempfile.mkdtemp(prefix=f".{out.name}.old-", dir=out.parent))
    os.rename(out, hold)  # onto our own empty directory
    try:
        place(stage, out)
    except BaseException:
        os.rename(hold, out)  # the old output back where it was
        raise
    os.rename(hold, stage)  # where staging() removes it (stage is free: it became out)


_libc_fn: Any = None  # renameat2 from libc once looked up, False when there is none


def _renameat2(src: Path, dst: Path, flags: int) -> None:
    """renameat2(2); NotImplementedError when this system or file system does not have it."""
    global _libc_fn
    if _libc_fn is None:
        try:
            _libc_fn = ctypes.CDLL(None, use_errno=True).renameat2
            _libc_fn.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint]
            _libc_fn.restype = ctypes.c_int
        except (AttributeError, OSError):
            _libc_fn = False
    if _libc_fn is False:
        raise NotImplementedError("renameat2")
    if _libc_fn(AT_FDCWD, os.fsencode(src), AT_FDCWD, os.fsencode(dst), flags) == 0:
        return
    code = ctypes.get_errno()
    if code in _UNSUPPORTED:
        raise NotImplementedError("renameat2")
    if code == errno.EEXIST:
        raise FileExistsError(code, os.strerror(code), str(dst))
    raise OSError(code, os.strerror(code), str(src), None, str(dst))


@contextmanager
def signals_held():
    """SIGINT, SIGTERM and SIGHUP wait while the output is put in place or cleaned up."""
    try:
        old = signal.pthread_sigmask(signal.SIG_BLOCK, _HELD)
    except (ValueError, OSError, AttributeError):
        yield
        return
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, old)
