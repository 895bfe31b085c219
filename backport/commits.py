"""PATCH arguments: files, directories of patches, or commits of ``--repo``.

``backport port`` takes one or more PATCH arguments, read as one series in
order:

* an existing path: a patch, mbox or mail file (a cover letter in it or
  beside it is not a patch; its ``base-commit:`` and
  ``prerequisite-patch-id:`` lines are kept), or a directory whose files are
  read in name order;
* else a commit of ``--repo`` (``abc123``), a range (``v6.12..fixes``,
  ``A...B``, ``^A B``), or ``-N REV`` (the last N commits up to REV, as
  ``git format-patch -3 HEAD`` has it): oldest first, merges skipped.  Each
  commit's parent is its base; author, date, message and trailers are its
  metadata, its id the upstream id.

A path that exists wins over a ref of the same name (a note on standard
error says so).  Commits are read through git plumbing only (``rev-list``,
``cat-file``, ``diff-tree``): no checkout, index or ref is touched.
"""
from __future__ import annotations

import email.utils
import os
import re
import subprocess
import sys
from dataclasses import replace
from datetime import datetime, timedelta, timezone
from pathlib import Path

from .encoding import decode
from .errors import PatchError, TreeError
from .ingest import NO_DIFF, STDIN, parse_patches, read_patches
from .mail import upstream_id as upstream_of
from .model import Patch, PatchMeta

_COUNT = re.compile(r"-(\d+)$")
_PERSON = re.compile(r"(.*?) <([^<>]*)> (\d+) ([+-]\d{4})$")
_BASE = re.compile(r"^base-commit:[ \t]+([0-9a-f]{7,40})[ \t]*$", re.M | re.A)
_PREREQ = re.compile(r"^prerequisite-patch-id:[ \t]+([0-9a-f]{7,40})[ \t]*$", re.M | re.A)
_SKIP = (".orig", ".rej", ".bak", "~", ".json", ".md")


def git_toplevel(cwd: str | None = None) -> str | None:
    """The git checkout the command runs in, as git finds it (GIT_DIR, parents), or None."""
    if os.environ.get("GIT_DIR"):  # git's own rule: that repository, whatever the working directory
        run = subprocess.run(["git", "rev-parse", "--absolute-git-dir"], capture_output=True, cwd=cwd)
        return decode(run.stdout).strip() or None if run.returncode == 0 else None
    run = subprocess.run(["git", "rev-parse", "--show-toplevel"], capture_output=True, cwd=cwd)
    if run.returncode == 0 and run.stdout.strip():
        return decode(run.stdout).strip()
    run = subprocess.run(["git", "rev-parse", "--absolute-git-dir"], capture_output=True, cwd=cwd)
    if run.returncode == 0 and run.stdout.strip():  # a bare repository
        return decode(run.stdout).strip()
    return None


def read_inputs(specs: list[str], repo_path: str | None, note=None) -> list[Patch]:
    """Every PATCH argument, as one series in order."""
    note = note or (lambda text: print(f"backport: {text}", file=sys.stderr))
    patches: list[Patch] = []
    i = 0
    while i < len(specs):
        spec = specs[i]
        m = _COUNT.match(spec)
        if m and not os.path.exists(spec):
            rev = specs[i + 1] if i + 1 < len(specs) else "HEAD"
            i += 2
            patches += _commits(repo_path, ["--no-merges", "-n", m.group(1)], rev, spec + " " + rev)
            continue
        i += 1
        patches += _one(spec, repo_path, note)
    if not patches:
        raise PatchError(NO_DIFF, source=" ".join(specs))
    return patches


def _one(spec: str, repo_path: str | None, note) -> list[Patch]:
    if spec == STDIN:
        return read_patches(spec)
    if os.path.lexists(spec):
        if repo_path and _rev_exists(repo_path, spec):
            note(f"'{spec}' is both a path and a revision of {repo_path}; reading the path")
        return _directory(spec) if os.path.isdir(spec) else _file(spec)
    if repo_path is None:
        raise PatchError("cannot read patch: no such file (and no git repository to read it as a commit)",
                         source=spec)
    ends = [x or "HEAD" for x in re.split(r"\.{2,3}", spec)] if ".." in spec else [spec]
    if not all(_rev_exists(repo_path, x) for x in ends):
        raise PatchError(f"cannot read patch: no such file, and no revision of that name in {repo_path}",
                         source=spec)
    if ".." in spec:
        return _commits(repo_path, ["--no-merges"], spec, spec)
    return _commits(repo_path, ["--no-walk"], spec, spec)


def _directory(path: str) -> list[Patch]:
    names = sorted(p for p in Path(path).iterdir()
                   if p.is_file() and not p.name.startswith(".") and not p.name.endswith(_SKIP))
    patches: list[Patch] = []
    for p in names:
        found = _file(str(p), cover_ok=True)
        if found and not patches:
            found = _with_cover(found, _cover_data([q for q in names if q < p]))
        patches += found
    if not patches:
        raise PatchError("cannot read patch: the directory holds no patch", source=path)
    return patches


def _file(path: str, cover_ok: bool = False) -> list[Patch]:
    try:
        patches = read_patches(path)
    except PatchError as err:
        if cover_ok and err.message == NO_DIFF:
            return []  # a cover letter or notes beside the patches
        raise
    data = Path(path).read_bytes()
    return _with_cover(patches, data)


def _cover_data(paths: list[Path]) -> bytes:
    return b"\n".join(p.read_bytes() for p in paths)


def _with_cover(patches: list[Patch], data: bytes) -> list[Patch]:
    """base-commit: and prerequisite-patch-id: of the cover letter or first message, on the first patch."""
    if not patches or not data:
        return patches
    text = decode(data)
    base = _BASE.search(text)
    prereqs = tuple(dict.fromkeys(_PREREQ.findall(text)))
    meta = patches[0].meta
    meta = replace(meta, base_commit=meta.base_commit or (base.group(1) if base else None),
                   prerequisites=meta.prerequisites or prereqs)
    return [replace(patches[0], meta=meta)] + patches[1:]


# ---------------------------------------------------------------------------
# commits


def _git(repo: str, *args: str, data: bytes | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(["git", "-C", repo, *args], capture_output=True, input=data)


def _rev_exists(repo: str, rev: str) -> bool:
    return _git(repo, "rev-parse", "--verify", "--quiet", "--end-of-options", f"{rev}^{{commit}}").returncode == 0


def _commits(repo: str | None, options: list[str], rev: str, spec: str) -> list[Patch]:
    """The commits ``git rev-list OPTIONS REV`` names, oldest first."""
    if repo is None:
        raise PatchError("cannot read patch: no such file (and no git repository to read it as a commit)",
                         source=spec)
    run = _git(repo, "rev-list", "--reverse", *options, "--end-of-options", rev, "--")
    if run.returncode != 0:
        detail = run.stderr.decode("utf-8", "replace").strip().splitlines()
        raise PatchError(f"cannot read commits: {detail[0] if detail else 'git rev-list failed'}", source=spec)
    shas = run.stdout.decode().split()
    if not shas:
        raise PatchError("no commits in this range (merges are skipped)", source=spec)
    return [commit_patch(repo, sha) for sha in shas]


def commit_patch(repo: str, sha: str) -> Patch:
    """One commit as a reference patch: its parent is the base, its id the upstream id."""
    raw = _git(repo, "cat-file", "commit", sha)
    if raw.returncode != 0:
        raise TreeError(f"cannot read commit {sha}", source=repo)
    headers, message = _split_commit(raw.stdout)
    parents = headers.get("parent", [])
    if len(parents) != 1:
        what = "a root commit (no parent to be its base)" if not parents else "a merge commit"
        raise PatchError(f"{what}: give the commits it brings in instead", source=sha[:12])
    diff = _git(repo, "diff-tree", "-p", "--full-index", "-M", "--no-color", "--no-ext-diff", "--no-textconv",
                "--end-of-options", parents[0], sha)
    if diff.returncode != 0:
        raise TreeError(f"cannot diff commit {sha}", source=repo)
    source = sha[:12]
    if not diff.stdout.strip():
        raise PatchError("the commit changes nothing", source=source)
    patch = parse_patches(diff.stdout, source)[0]
    subject, body = _message(message, headers.get("encoding", ["utf-8"])[0])
    author, date = _person(headers.get("author", [""])[0])
    # a stable backport names its upstream commit (commit <sha> upstream.): that is the upstream id, else this one
    meta = PatchMeta(author=author, date=date, subject=subject, body=body, upstream=upstream_of(body) or sha,
                     base_commit=parents[0])
    return replace(patch, meta=meta)


def _split_commit(data: bytes) -> tuple[dict[str, list[str]], bytes]:
    head, _, message = data.partition(b"\n\n")
    headers: dict[str, list[str]] = {}
    for line in decode(head).split("\n"):
        if line.startswith(" "):  # continuation (gpgsig, mergetag)
            continue
        key, _, value = line.partition(" ")
        headers.setdefault(key, []).append(value)
    return headers, message


def _message(message: bytes, encoding: str) -> tuple[str, str]:
    """(subject, body) as git format-patch has them: the first paragraph joined, the rest."""
    try:
        text = message.decode(encoding)
    except (LookupError, UnicodeError):
        text = message.decode("utf-8", "replace")
    text = text.replace("\r\n", "\n").strip("\n")
    subject, _, body = text.partition("\n\n")
    return " ".join(s.strip() for s in subject.split("\n")), body.strip("\n")


def _person(value: str) -> tuple[str, str]:
    """('Name <mail>', RFC 2822 date) of an author line."""
    m = _PERSON.match(value)
    if not m:
        return value, ""
    name, address, stamp, zone = m.groups()
    sign = -1 if zone[0] == "-" else 1
    tz = timezone(sign * timedelta(hours=int(zone[1:3]), minutes=int(zone[3:5])))
    when = datetime.fromtimestamp(int(stamp), tz)
    return f"{name} <{address}>", email.utils.format_datetime(when)
