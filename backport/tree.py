"""Kernel trees: a ref of a git checkout (read through git objects only) or a
plain directory (an unpacked tarball).

Nothing here writes to the repository: no checkout, no index, no refs.
File text is decoded with ``surrogateescape`` so Latin-1 bytes survive.
"""
from __future__ import annotations

import os
import re
import subprocess
from functools import lru_cache
from pathlib import Path

import git

from .errors import TreeError


def decode(data: bytes) -> str:
    return data.decode("utf-8", "surrogateescape")


def encode(text: str) -> bytes:
    return text.encode("utf-8", "surrogateescape")


def safe_path(path: str) -> bool:
    """A repository-relative path that stays inside the tree."""
    parts = path.split("/")
    return bool(path) and not path.startswith("/") and ".." not in parts and "" not in parts


class Tree:
    """The interface both kinds of tree offer."""

    name: str  # as the user gave it
    commit: str | None = None

    def read(self, path: str) -> str | None:  # pragma: no cover - interface
        raise NotImplementedError

    def grep(self, pattern: str, *, paths: tuple[str, ...] = (), word: bool = False,
             fixed: bool = False) -> list[tuple[str, int, str]]:  # pragma: no cover
        raise NotImplementedError

    def words(self, names: list[str], paths: tuple[str, ...]) -> set[str]:  # pragma: no cover
        """Which of ``names`` occur as whole words in files under ``paths``."""
        raise NotImplementedError

    def __str__(self) -> str:
        return self.name


def _parse_grep(out: str, strip: str = "") -> list[tuple[str, int, str]]:
    found = []
    for line in out.splitlines():
        if strip and line.startswith(strip):
            line = line[len(strip):]
        path, _, rest = line.partition("\0")
        no, _, text = rest.partition("\0")
        if no.isdigit():
            found.append((path, int(no), text))
    return found


def _grep_args(pattern: str, word: bool, fixed: bool) -> list[str]:
    args = ["-n", "-z", "-I", "--no-color"]
    args += ["-w"] if word else []
    args += ["-F"] if fixed else ["-E"]
    return args + ["-e", pattern]


class GitTree(Tree):
    """A commit of a git repository, read with cat-file / grep."""

    def __init__(self, repo: "Repository", ref: str):
        self.repo = repo
        self.name = ref
        self.commit = repo.resolve(ref)

    def read(self, path: str) -> str | None:
        return self.repo.read(self.commit, path)

    def grep(self, pattern, *, paths=(), word=False, fixed=False):
        return self.repo.grep(self.commit, pattern, paths, word, fixed)

    def words(self, names, paths):
        return self.repo.words(self.commit, tuple(names), tuple(paths))


class Repository:
    """A user's git checkout, used read-only through git objects."""

    def __init__(self, path: str):
        try:
            self.git_repo = git.Repo(path, search_parent_directories=False)
        except (git.exc.NoSuchPathError, git.exc.InvalidGitRepositoryError):
            raise TreeError("not a git repository", source=path) from None
        self.path = path
        self._read = lru_cache(maxsize=512)(self._read_blob)
        self._grep = lru_cache(maxsize=4096)(self._run_grep)

    def resolve(self, ref: str) -> str:
        try:
            return self.git_repo.git.rev_parse("--verify", "--quiet", "--end-of-options", f"{ref}^{{commit}}")
        except git.exc.GitCommandError:
            raise TreeError(f"unknown revision '{ref}' in {self.path}") from None

    def try_resolve(self, ref: str) -> str | None:
        try:
            return self.resolve(ref)
        except TreeError:
            return None

    def read(self, commit: str, path: str) -> str | None:
        return self._read(commit, path) if safe_path(path) else None

    def _read_blob(self, commit: str, path: str) -> str | None:
        try:
            _, kind, _, data = self.git_repo.git.get_object_data(f"{commit}:{path}")
        except (ValueError, git.exc.GitCommandError):
            return None
        return decode(data) if kind == b"blob" or kind == "blob" else None

    def grep(self, commit, pattern, paths, word, fixed):
        return self._grep(commit, pattern, tuple(paths), word, fixed)

    def _run_grep(self, commit, pattern, paths, word, fixed):
        args = ["git", "-C", self.path, "grep", *_grep_args(pattern, word, fixed), commit, "--", *paths]
        out = subprocess.run(args, capture_output=True)
        return _parse_grep(decode(out.stdout), strip=f"{commit}:")

    def words(self, commit: str, names: tuple[str, ...], paths: tuple[str, ...]) -> set[str]:
        return self._words(commit, names, paths)

    @lru_cache(maxsize=1024)
    def _words(self, commit, names, paths) -> set[str]:
        args = ["git", "-C", self.path, "grep", "-o", "-h", "-w", "-F", "-I"]
        args += [x for n in names for x in ("-e", n)] + [commit, "--", *paths]
        out = subprocess.run(args, capture_output=True).stdout
        return set(decode(out).split()) & set(names)


class DirTree(Tree):
    """A plain directory holding a kernel tree."""

    def __init__(self, path: str):
        self.root = Path(path).resolve()
        self.name = path
        if not self.root.is_dir():
            raise TreeError("not a directory", source=path)
        self._grep = lru_cache(maxsize=4096)(self._run_grep)

    def read(self, path: str) -> str | None:
        if not safe_path(path):
            return None
        full = (self.root / path).resolve()
        if not full.is_relative_to(self.root) or not full.is_file():
            return None
        return decode(full.read_bytes())

    def grep(self, pattern, *, paths=(), word=False, fixed=False):
        return self._grep(pattern, tuple(paths), word, fixed)

    def words(self, names, paths):
        args = ["git", "grep", "--no-index", "-o", "-h", "-w", "-F", "-I"]
        args += [x for n in names for x in ("-e", n)] + ["--", *paths]
        env = dict(os.environ, GIT_CEILING_DIRECTORIES=str(self.root.parent))
        out = subprocess.run(args, capture_output=True, cwd=self.root, env=env).stdout
        return set(decode(out).split()) & set(names)

    def _run_grep(self, pattern, paths, word, fixed):
        args = ["git", "grep", "--no-index", *_grep_args(pattern, word, fixed), "--", *paths]
        env = dict(os.environ, GIT_CEILING_DIRECTORIES=str(self.root.parent))
        out = subprocess.run(args, capture_output=True, cwd=self.root, env=env)
        return _parse_grep(decode(out.stdout))


_VERSION = re.compile(r"^(?:linux-)?v?(\d+\.\d+(?:\.\d+)?(?:-rc\d+)?)$")


def open_tree(spec: str, repo: Repository | None) -> Tree:
    """An existing directory is read as a plain tree, anything else as a ref of ``repo``."""
    if os.path.isdir(spec) and (repo is None or not repo.try_resolve(spec)):
        return DirTree(spec)
    if repo is None:
        raise TreeError(f"'{spec}' is not a directory, and no --repo was given to resolve it as a ref")
    return GitTree(repo, spec)


def ref_for_version(version: str, repo: Repository) -> str | None:
    """The ref naming a kernel version in ``repo``: v4.9.117, 4.9.117, ..."""
    m = _VERSION.match(version)
    if not m:
        return None
    for ref in (f"v{m.group(1)}", m.group(1), f"linux-{m.group(1)}"):
        if repo.try_resolve(ref):
            return ref
    return None
