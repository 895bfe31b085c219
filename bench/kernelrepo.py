"""The bench's kernel repository: one git repo, one linear branch per stable series.

Each Debian package version becomes one commit holding only *.c and *.h,
tagged ``v<upstream version>`` (v6.1.187), parented on the previous version of
the same branch.  The commits are written with ``git fast-import`` so that an
import costs one pass over the tarball.
"""
from __future__ import annotations

import email.utils
import re
import subprocess
from pathlib import Path

from . import debian


def git(repo: Path, *args: str, input: bytes | None = None, check: bool = True) -> bytes:
    proc = subprocess.run(["git", "-C", str(repo), *args], input=input,
                          capture_output=True, check=False)
    if check and proc.returncode != 0:
        raise RuntimeError(f"git {' '.join(args)}: {proc.stderr.decode(errors='replace').strip()}")
    return proc.stdout


def ensure_repo(repo: Path) -> None:
    if not (repo / "HEAD").exists():
        repo.mkdir(parents=True, exist_ok=True)
        git(repo, "init", "--bare", "-q")
        git(repo, "config", "gc.auto", "0")


def has_ref(repo: Path, ref: str) -> bool:
    return bool(git(repo, "rev-parse", "-q", "--verify", ref + "^{commit}", check=False).strip())


def tags(repo: Path) -> set[str]:
    return set(git(repo, "tag", "--list").decode().split())


def _quote_path(path: str) -> str:
    if any(c in path for c in ' "\\\n') or path.startswith('"'):
        return '"' + path.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'
    return path


def _git_date(rfc2822: str | None) -> str:
    if not rfc2822:
        return "0 +0000"
    parsed = email.utils.parsedate_tz(rfc2822)
    stamp = email.utils.mktime_tz(parsed)
    off = parsed[9] or 0
    sign = "+" if off >= 0 else "-"
    off = abs(off)
    return f"{stamp} {sign}{off // 3600:02d}{off % 3600 // 60:02d}"


def import_version(repo: Path, branch: str, pkg: debian.Package, deb: Path,
                   changelog: str, log=print) -> str:
    """Commit the C sources of ``deb`` on ``branch`` and tag it; returns the commit id."""
    date = _git_date(debian.version_date(changelog, pkg.version))
    message = (f"Linux {pkg.upstream}\n\nDebian {pkg.name} {pkg.version}, "
               f"*.c and *.h only, imported by `python -m bench fetch`.\n")
    commit, count = import_tree(repo, branch, pkg.tag, debian.c_sources(deb), message, date)
    log(f"  {pkg.tag}: {count} files on {branch}")
    return commit


def import_tree(repo: Path, branch: str, tag: str, files, message: str,
                date: str = "0 +0000") -> tuple[str, int]:
    """Commit ``files`` ((path, mode, bytes)...) as the whole tree of the next commit
    on ``branch``, tag it ``tag``; returns (commit id, number of files)."""
    parent = f"refs/heads/{branch}" if has_ref(repo, f"refs/heads/{branch}") else None
    proc = subprocess.Popen(["git", "-C", str(repo), "fast-import", "--quiet", "--done"],
                            stdin=subprocess.PIPE, stderr=subprocess.PIPE)
    out = proc.stdin
    ident = "Debian kernel team <debian-kernel@lists.debian.org>"
    body = message.encode()
    out.write(f"commit refs/heads/{branch}\nmark :1\n".encode())
    out.write(f"author {ident} {date}\ncommitter {ident} {date}\n".encode())
    out.write(b"data %d\n%s\n" % (len(body), body))
    if parent:
        out.write(f"from {parent}^0\n".encode())
    out.write(b"deleteall\n")
    count = 0
    for path, mode, data in files:
        out.write(f"M {mode:o} inline {_quote_path(path)}\n".encode())
        out.write(b"data %d\n" % len(data))
        out.write(data)
        out.write(b"\n")
        count += 1
    out.write(f"reset refs/tags/{tag}\nfrom :1\n\ndone\n".encode())
    out.close()
    err = proc.stderr.read()
    if proc.wait() != 0:
        raise RuntimeError(f"fast-import failed for {tag}: {err.decode(errors='replace')[-800:]}")
    return git(repo, "rev-parse", tag).decode().strip(), count


def read_blob(repo: Path, rev: str, path: str) -> bytes | None:
    """The bytes of ``path`` at ``rev``, or None when it does not exist there."""
    proc = subprocess.run(["git", "-C", str(repo), "cat-file", "blob", f"{rev}:{path}"],
                          capture_output=True)
    return proc.stdout if proc.returncode == 0 else None


def changed_files(repo: Path, old: str, new: str) -> dict[str, str]:
    """{path: status letter} of the files that differ between two tags."""
    out = git(repo, "diff", "--name-status", "--no-renames", old, new).decode()
    result = {}
    for line in out.splitlines():
        status, path = line.split("\t", 1)
        result[path] = status[0]
    return result


def file_diff(repo: Path, old: str, new: str, path: str, context: int = 3) -> str:
    """The unified diff of one file between two tags, with blob ids on the index line."""
    return git(repo, "diff", f"-U{context}", "--no-renames", "--full-index", old, new,
               "--", path).decode("utf-8", "surrogateescape")


def window_diff(repo: Path, old: str, new: str, context: int = 3) -> dict[str, str]:
    """{path: its diff} for every file changed between two tags, in one git call."""
    text = git(repo, "diff", f"-U{context}", "--no-renames", "--full-index", old, new
               ).decode("utf-8", "surrogateescape")
    result = {}
    for chunk in re.split(r"(?m)^(?=diff --git a/)", text):
        if chunk.startswith("diff --git a/"):
            for line in chunk.split("\n", 4)[:4]:
                if line.startswith("+++ b/") or line.startswith("--- a/"):
                    result[line[6:]] = chunk
                    break
    return result
