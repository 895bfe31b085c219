"""Kernel trees: a ref of a git checkout (read through git objects only) or a
plain directory (an unpacked tarball).

Nothing here writes to the repository: no checkout, no index, no refs.
File text is decoded with ``surrogateescape`` so Latin-1 bytes survive.

Blobs of a git tree are read in bulk: the files a patch touches are listed by
``git ls-tree`` (a thousand paths a call) and read by one ``git cat-file
--batch`` process (``prefetch``), and kept.  A path the
tree lists whose object git cannot read is an error ("object ... is corrupt"
or "... is missing"), never taken for a file that does not exist.
"""
from __future__ import annotations

import hashlib
import heapq
import os
import re
import subprocess
from collections.abc import Generator, Iterator
from contextlib import closing
from functools import lru_cache
from pathlib import Path

from .encoding import decode, encode
from .errors import TreeError


def blob_id(text: str | None) -> str:
    """``git hash-object`` of a file's text: sha1 of ``blob <len>\\0`` + content (zeros for no file)."""
    if text is None:
        return "0" * 40
    data = encode(text)
    return hashlib.sha1(b"blob %d\0" % len(data) + data).hexdigest()


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

    def prefetch(self, paths) -> None:
        """Read these files ahead, in one go where that is cheaper than one by one."""

    def missing(self, paths) -> list[str]:
        """Those of ``paths`` that are not files of the tree, in order."""
        self.prefetch(paths)
        return [p for p in paths if self.read(p) is None]

    def grep(self, pattern: str, *, paths: tuple[str, ...] = (), word: bool = False,
             fixed: bool = False, files: int | None = None) -> list[tuple[str, int, str]]:  # pragma: no cover
        """(path, line number, text) of the lines matching, in path order.  ``files``: the caller
        reads only the hits of the first that many files (in path order); a tree may give more."""
        raise NotImplementedError

    def grep_iter(self, pattern: str, *, paths: tuple[str, ...] = (), word: bool = False,
                  fixed: bool = False) -> Generator[tuple[str, int, str], None, None]:
        """The hits of ``grep`` one by one, for a caller that may stop early (the search stops too)."""
        yield from self.grep(pattern, paths=paths, word=word, fixed=fixed)

    def words(self, names: list[str], paths: tuple[str, ...]) -> set[str]:  # pragma: no cover
        """Which of ``names`` occur as whole words in files under ``paths``."""
        raise NotImplementedError

    def word_lines(self, names: list[str], paths: tuple[str, ...]) -> tuple[set[str], list[str]] | None:
        """(which of ``names`` occur as whole words under ``paths``, the text of every line there
        holding one of them as a whole word): ``words`` and the lines ``grep`` gives for them, from
        one search; None where the tree has no such search (then ask ``words`` and ``grep``)."""
        return None

    def absent(self, name: str, paths: tuple[str, ...]) -> bool:
        """``name`` is known, from a search already made, to occur as a word in no file under
        ``paths``; False when that is not known (nothing is searched here)."""
        return False

    def stored(self, path: str) -> tuple[str, str] | None:
        """(mode, object id) of the file as a repository stores it; None where no repository
        holds this text (a plain directory, a file a series changed)."""
        return None

    def check_applies(self, diff: bytes, files: dict[str, tuple[str, str]], scratch: str) -> subprocess.CompletedProcess:
        """``git apply --check`` of ``diff`` on ``files`` (path -> ``stored``), from the
        repository's objects; only for trees whose ``stored`` answers."""
        raise NotImplementedError

    def __str__(self) -> str:
        return self.name


def _first_files(hits: Iterator[tuple[str, int, str]], files: int) -> list[tuple[str, int, str]]:
    """The hits of the first ``files`` files, read from hits in git's path order, and then one more
    hit (the first of the next file, where reading stopped).  Git's order is the paths' byte order,
    which is Python's string order wherever the last file kept has an ASCII path (a later path
    then sorts after it either way); else every hit is read."""
    out: list[tuple[str, int, str]] = []
    seen: list[str] = []
    for hit in hits:
        if not seen or hit[0] != seen[-1]:
            if len(seen) == files and seen[-1].isascii():
                out.append(hit)
                break
            seen.append(hit[0])
        out.append(hit)
    return out


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


# A whole-tree git grep maps ~190 MB of pack and keeps ~100 MB of delta bases by
# default (a peak of ~390 MB on the bench's linux repository); 64m/16m took it to ~147 MB,
# these to ~125 MB for the same CPU time (6.9 s either way, one fixed-string search of v6.1).
_SMALL_PACK_WINDOWS = ("-c", "core.packedGitWindowSize=16m", "-c", "core.packedGitLimit=32m",
                       "-c", "core.deltaBaseCacheLimit=8m")
# A grep of a commit inflates its blobs under one lock: a second thread hardly shortens it and
# costs CPU (one search of v6.1's 23,000 headers: 3.99 s CPU and 80 MB with one thread, 4.41 s
# and 103 MB with git's default of one per core on this 2-core machine; wall 0.93 of it).
_ONE_THREAD = "--threads=1"


def _grep_args(pattern: str, word: bool, fixed: bool) -> list[str]:
    args = ["-n", "-z", "-I", "--no-color"]
    args += ["-w"] if word else []
    args += ["-F"] if fixed else ["-E"]
    return args + ["-e", pattern]


class GitTree(Tree):
    """A commit of a git repository, read with cat-file / grep."""

    def __init__(self, repo: Repository, ref: str):
        self.repo = repo
        self.name = ref
        self.commit: str = repo.resolve(ref)

    def read(self, path: str) -> str | None:
        return self.repo.read(self.commit, path)

    def prefetch(self, paths) -> None:
        self.repo.prefetch(self.commit, paths)

    def mode(self, path: str) -> str | None:
        return self.repo.mode(self.commit, path)

    def grep(self, pattern, *, paths=(), word=False, fixed=False, files=None):
        return self.repo.grep(self.commit, pattern, paths, word, fixed, files)

    def grep_iter(self, pattern, *, paths=(), word=False, fixed=False):
        return self.repo.grep_iter(self.commit, pattern, tuple(paths), word, fixed)

    def words(self, names, paths):
        return self.repo.words(self.commit, tuple(names), tuple(paths))

    def word_lines(self, names, paths):
        return self.repo.word_lines(self.commit, tuple(names), tuple(paths))

    def absent(self, name, paths):
        return self.repo.absent(self.commit, name, tuple(paths))

    def stored(self, path: str) -> tuple[str, str] | None:
        return self.repo.stored(self.commit, path)

    def check_applies(self, diff, files, scratch):
        return self.repo.apply_check(diff, files, scratch)


class Repository:
    """A user's git checkout, used read-only through git objects."""

    def __init__(self, path: str):
        if not _plain_checkout(path):  # anything else (bare, worktree, submodule): GitPython decides
            import git  # its import runs `git version`: only here, where it is needed
            try:
                git.Repo(path, search_parent_directories=False)
            except (git.exc.NoSuchPathError, git.exc.InvalidGitRepositoryError):
                raise TreeError("not a git repository", source=path) from None
        self.path = path
        self._cat = CatFile(path)  # one long-lived `git cat-file --batch` for single reads
        self._blobs: dict[tuple[str, str], str | None] = {}  # (commit, path) -> text, None: no such file
        self._resolved: dict[str, str] = {}
        self._modes: dict[tuple[str, str], str | None] = {}  # (commit, path) -> 100644, 100755, 120000
        self._ids: dict[tuple[str, str], str] = {}  # (commit, path) -> blob id, of the files listed
        self._grep = lru_cache(maxsize=4096)(self._run_grep)
        self._streamed: dict[tuple, tuple[list, list[bool]]] = {}
        self._greps: dict[tuple, dict[str, list]] = {}  # (pattern, paths, word, fixed) -> commit -> hits
        self._present: dict[tuple[str, tuple[str, ...]], dict[str, bool]] = {}  # (commit, paths) -> name -> found
        self._lines: dict[tuple[str, tuple[str, ...]], dict[str, list[str]]] = {}  # (commit, paths) -> name -> lines

    def _git(self, *args: str, data: bytes | None = None) -> subprocess.CompletedProcess:
        return subprocess.run(["git", "-C", self.path, *args], input=data, capture_output=True)

    def resolve(self, ref: str) -> str:
        if ref not in self._resolved:
            self._resolved[ref] = self._resolve(ref)
        return self._resolved[ref]

    def _resolve(self, ref: str) -> str:
        run = self._git("rev-parse", "--verify", "--end-of-options", f"{ref}^{{commit}}")
        err = decode(run.stderr)
        if run.returncode != 0 and _unreadable(err):
            raise TreeError(f"{_unreadable(err)} (reading '{ref}')", source=self.path)
        if run.returncode != 0:
            raise TreeError(f"unknown revision '{ref}' in {self.path}")
        if "is ambiguous" in err:
            self._check_ambiguous(ref)
        return decode(run.stdout).strip()

    def _check_ambiguous(self, ref: str) -> None:
        """A name two refs answer to (a tag and a branch): refused when they differ, as git warns."""
        found = {}
        for full in (f"refs/{ref}", f"refs/tags/{ref}", f"refs/heads/{ref}", f"refs/remotes/{ref}",
                     f"refs/remotes/{ref}/HEAD"):
            run = self._git("rev-parse", "--verify", "--quiet", "--end-of-options", f"{full}^{{commit}}")
            if run.returncode == 0:
                found[full] = decode(run.stdout).strip()
        if len(set(found.values())) > 1:
            names = " and ".join(found)
            raise TreeError(f"refname '{ref}' is ambiguous in {self.path}: {names} name different commits; "
                            f"say which (e.g. {next(iter(found))})")

    def try_resolve(self, ref: str) -> str | None:
        try:
            return self.resolve(ref)
        except TreeError as err:
            if "is ambiguous" in err.message or "is corrupt" in err.message:
                raise
            return None

    def read(self, commit: str, path: str) -> str | None:
        if not safe_path(path):
            return None
        if (commit, path) not in self._blobs:
            self._blobs[(commit, path)] = self._read_one(commit, path)
        return self._blobs[(commit, path)]

    def prefetch(self, commit: str, paths) -> None:
        """Read the blobs at ``paths`` of ``commit``: one ``git ls-tree`` per thousand paths (their
        modes and object ids), then one ``git cat-file --batch`` for all of them."""
        todo = list(dict.fromkeys(p for p in paths if safe_path(p) and (commit, p) not in self._blobs))
        if not todo:
            return
        found = self._list(commit, todo)
        listed = [(p, found[p][1]) for p in todo if p in found]
        for path in todo:
            self._blobs[(commit, path)] = None
        if not listed:
            return
        run = self._git(*_SMALL_PACK_WINDOWS, "cat-file", "--batch", data="".join(f"{sha}\n" for _, sha in listed).encode())
        if run.returncode != 0:
            raise TreeError(_unreadable(decode(run.stderr)) or f"git cat-file failed in {self.path}: "
                            f"{decode(run.stderr).strip()}")
        for (path, sha), (kind, data) in zip(listed, _batch_objects(run.stdout)):
            if kind is None:
                self._broken_blob(sha, path, commit)
            self._blobs[(commit, path)] = decode(data) if kind == b"blob" else None

    def _read_one(self, commit: str, path: str) -> str | None:
        """One blob, through git's long-running ``cat-file --batch`` (no process per file)."""
        if "\n" in path:  # that process reads one name a line
            self.prefetch(commit, [path])
            return self._blobs[(commit, path)]
        found = self._cat.get(f"{commit}:{path}")
        if found is None:
            self._check_absent(commit, [path])
            return None
        kind, data = found
        return decode(data) if kind == b"blob" else None

    def mode(self, commit: str, path: str) -> str | None:
        """The file's git mode (100644, 100755, 120000), None when the tree has no such file."""
        if (commit, path) not in self._modes:
            self._list(commit, [path])
        return self._modes.get((commit, path))

    def _list(self, commit: str, paths: list[str]) -> dict[str, tuple[str, str]]:
        """``git ls-tree`` of these paths (literal, a thousand at a time): path -> (mode, sha) of blobs."""
        found: dict[str, tuple[str, str]] = {}
        for k in range(0, len(paths), 1000):
            chunk = paths[k:k + 1000]
            wanted = set(chunk)
            run = self._git("--literal-pathspecs", "ls-tree", "-z", "--full-tree", commit, "--", *chunk)
            if run.returncode != 0:
                raise TreeError(_unreadable(decode(run.stderr)) or f"cannot list the tree of {commit}: "
                                f"{decode(run.stderr).strip()}")
            for entry in run.stdout.split(b"\0"):
                head, _, name = entry.partition(b"\t")
                fields = head.split()
                if len(fields) == 3 and fields[1] == b"blob" and decode(name) in wanted:
                    found[decode(name)] = (decode(fields[0]), decode(fields[2]))
            for path in chunk:
                self._modes[(commit, path)] = found[path][0] if path in found else None
                if path in found:
                    self._ids[(commit, path)] = found[path][1]
        return found

    def stored(self, commit: str, path: str) -> tuple[str, str] | None:
        """(mode, blob id) of a file of ``commit``, None when the commit has no such file."""
        mode = self.mode(commit, path)
        return (mode, self._ids[(commit, path)]) if mode is not None else None

    def apply_check(self, diff: bytes, files: dict[str, tuple[str, str]], scratch: str) -> subprocess.CompletedProcess:
        """``git apply --cached --check`` of ``diff`` against an index of ``files`` (path -> (mode,
        blob id)) kept in ``scratch``: git reads the blobs from the object store, no file is
        written, and the user's index is never read or written.  Split index, fsmonitor, the
        untracked cache and the sparse index are off: each would read or write beside it."""
        env = dict(os.environ, GIT_INDEX_FILE=os.path.join(os.path.abspath(scratch), "index"))
        safe = ["-c", "core.splitIndex=false", "-c", "core.fsmonitor=false", "-c", "core.untrackedCache=false",
                "-c", "index.sparse=false"]
        info = b"".join(b"%s %s\t%s\0" % (encode(m), encode(sha), encode(p)) for p, (m, sha) in files.items())
        made = subprocess.run(["git", "-C", self.path, *safe, "update-index", "-z", "--index-info"],
                              input=info, env=env, capture_output=True)
        if made.returncode != 0:
            return made
        return subprocess.run(["git", "-C", self.path, *safe, *_SMALL_PACK_WINDOWS, "apply", "--cached",
                               "--check", "-"], input=diff, env=env, capture_output=True)

    def _check_absent(self, commit: str, paths: list[str]) -> None:
        """Paths cat-file could not read: an error if the tree lists them (their object is broken)."""
        for path, (_, sha) in self._list(commit, paths).items():
            self._broken_blob(sha, path, commit)

    def _broken_blob(self, sha: str, path: str, commit: str) -> None:
        err = decode(self._git("cat-file", "-t", sha).stderr)
        what = "is corrupt" if _unreadable(err) else "is missing from the repository"
        raise TreeError(f"object {sha} ({path} in {commit[:12]}) {what}", source=self.path)

    def grep(self, commit, pattern, paths, word, fixed, files=None):
        return self._grep(commit, pattern, tuple(paths), word, fixed, files)

    def _run_grep(self, commit, pattern, paths, word, fixed, files):
        if files is not None:
            with closing(self.grep_iter(commit, pattern, paths, word, fixed)) as hits:
                return _first_files(hits, files)
        done = self._greps.setdefault((pattern, paths, word, fixed), {})
        done[commit] = self._grep_from(done, commit, pattern, paths, word, fixed)
        return done[commit]

    def _grep_paths(self, commit, pattern, paths, word, fixed) -> list[tuple[str, int, str]]:
        out = subprocess.run(self._grep_argv(commit, pattern, paths, word, fixed), capture_output=True)
        return _parse_grep(decode(out.stdout), strip=f"{commit}:")

    def _grep_from(self, done: dict, commit: str, pattern, paths, word, fixed) -> list[tuple[str, int, str]]:
        """A grep, from the same grep of another commit where there is one: its hits in
        the files the two commits share, and this commit's in the files that differ (a diff of the
        two trees; only those blobs are read), in git's order (the paths' bytes)."""
        if not done:
            return self._grep_paths(commit, pattern, paths, word, fixed)
        other = next(iter(done))
        changed = self.differing(other, commit, paths)
        gone = {p.removeprefix(":(literal)") for p in changed}
        hits = [h for h in done[other] if h[0] not in gone]
        for part in _in_parts(changed):
            hits += self._grep_paths(commit, pattern, part, word, fixed)
        return sorted(hits, key=lambda h: encode(h[0]))  # stable: a file's lines stay in order

    def _grep_argv(self, commit, pattern, paths, word, fixed) -> list[str]:
        return ["git", "-C", self.path, *_SMALL_PACK_WINDOWS, "grep", _ONE_THREAD, *_grep_args(pattern, word, fixed),
                commit, "--", *paths]

    def grep_iter(self, commit, pattern, paths, word, fixed) -> Generator[tuple[str, int, str], None, None]:
        """The hits as git prints them (path order); when the caller stops reading, git is stopped
        too: the blobs after the last hit read are never inflated.  What was read is kept: the same
        search again gives it without git, and runs git again only to go further.  The same search
        of another commit, as far as it was read, answers for the files the two commits share
        (``_reused``)."""
        key = (commit, pattern, paths, word, fixed)
        fresh = key not in self._streamed
        read, complete = self._streamed.setdefault(key, ([], [False]))
        yield from list(read)
        if complete[0]:
            return
        hits = (self._reused(key) if fresh else None) or self._stream(key)
        skip = len(read)
        with closing(hits):
            for hit in hits:
                if skip:
                    skip -= 1
                    continue
                read.append(hit)
                yield hit
            complete[0] = True

    def _stream(self, key: tuple) -> Generator[tuple[str, int, str], None, None]:
        """One git grep's hits as it prints them; git is killed when the reader stops."""
        proc = subprocess.Popen(self._grep_argv(*key), stdin=subprocess.DEVNULL,
                                stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
        assert proc.stdout is not None  # a pipe
        try:
            for raw in proc.stdout:
                yield from _parse_grep(decode(raw.rstrip(b"\n")), strip=f"{key[0]}:")
        finally:
            proc.kill()
            proc.stdout.close()
            proc.wait()

    def _reused(self, key: tuple) -> Generator[tuple[str, int, str], None, None] | None:
        """This commit's hits from the same streamed search of another commit (the one whose
        files differ least, then the one read furthest): its hits in the files the two share, this
        commit's own in the files that differ (a diff of the two trees, no blob read; only those
        blobs are inflated), merged in git's order (the paths' bytes).  Past the last hit the
        other search read, nothing is known of the shared files: from there on this commit's own
        search gives the rest.  None when no other commit made the search (or the paths carry
        pathspec magic)."""
        commit, rest = key[0], key[1:]
        if any(p.startswith(":") for p in key[2]):
            return None
        done = [(c, r, k[0]) for (c, *same), (r, k) in self._streamed.items()
                if tuple(same) == rest and c != commit and (r or k[0])]
        try:
            ranked = [(len(self.differing(c, commit, key[2])), not k, -len(r), c, r, k) for c, r, k in done]
        except subprocess.CalledProcessError:
            return None
        if not ranked:
            return None
        *_, other, read, complete = min(ranked)
        return self._merged(key, list(read), complete, self.differing(other, commit, key[2]))

    def _merged(self, key: tuple, theirs: list, complete: bool, changed: tuple[str, ...]):
        gone = {p.removeprefix(":(literal)") for p in changed}
        last = None if complete else encode(theirs[-1][0])  # the file the other search stopped in
        shared = [h for h in theirs if h[0] not in gone]  # (in that file: the first of its hits, if shared)
        mine = self._chunks(key, changed)
        yielded = 0
        try:
            for hit in heapq.merge(shared, mine, key=lambda h: encode(h[0])):
                if last is not None and encode(hit[0]) > last:
                    break
                yield hit
                yielded += 1
            else:
                if last is None:
                    return
        finally:
            mine.close()
        with closing(self._stream(key)) as own:  # this commit's own search, less what was given
            for k, hit in enumerate(own):
                if k >= yielded:
                    yield hit

    def _chunks(self, key: tuple, literal: tuple[str, ...]) -> Generator[tuple[str, int, str], None, None]:
        """The hits of the search in these files (literal pathspecs, in git's order), a git grep
        for each 2,000 of them, started as the reader gets there."""
        for part in _in_parts(literal):
            with closing(self._stream((key[0], key[1], part, *key[3:]))) as hits:
                yield from hits

    @lru_cache(maxsize=64)  # noqa: B019 - a Repository lives for the whole run
    def differing(self, one: str, other: str, glob: str | tuple[str, ...]) -> tuple[str, ...]:
        """The paths matching ``glob`` (a pathspec, or several) whose content differs between two
        commits (added and deleted ones too), as literal pathspecs: git compares tree objects, no
        blob is read."""
        specs = (glob,) if isinstance(glob, str) else glob
        args = ["git", "-C", self.path, "diff", "--name-only", "--no-renames", "-z", one, other, "--", *specs]
        out = subprocess.run(args, capture_output=True, check=True).stdout
        return tuple(":(literal)" + decode(p) for p in out.split(b"\0") if p)

    def words(self, commit: str, names: tuple[str, ...], paths: tuple[str, ...]) -> set[str]:
        """Which names occur as words under ``paths`` (answers kept per commit and paths)."""
        known = self._present.setdefault((commit, paths), {})
        ask = [n for n in dict.fromkeys(names) if n not in known]
        if ask:
            answers = self._absent_elsewhere(commit, ask, paths)
            rest = tuple(n for n in ask if n not in answers)
            if rest:
                found = self._words(commit, rest, paths)
                answers.update({n: n in found for n in rest})
            known.update(answers)
        return {n for n in names if known[n]}

    def word_lines(self, commit: str, names: tuple[str, ...], paths: tuple[str, ...]) -> tuple[set[str], list[str]]:
        """``words`` and the lines holding the names found, from one ``git grep -h -w -F`` of the lines
        (kept per commit and paths, with ``words``'s answers).  Names another commit's search of
        the same paths found nowhere are looked for in this commit's files that differ only, as
        ``words`` does; names known to be nowhere are not looked for."""
        known = self._present.setdefault((commit, paths), {})
        lines = self._lines.setdefault((commit, paths), {})
        ask = [n for n in dict.fromkeys(names) if n not in lines and known.get(n) is not False]
        if ask:
            elsewhere = self._elsewhere(commit, ask, paths)
            parts = []
            if elsewhere is not None:
                absent, changed = elsewhere
                parts.append((absent, [ln for part in _in_parts(changed)
                                       for ln in self._word_lines(commit, tuple(absent), part)]))
            rest = [n for n in ask if elsewhere is None or n not in elsewhere[0]]
            if rest:
                parts.append((rest, self._word_lines(commit, tuple(rest), paths)))
            for asked, found in parts:
                present = present_words(asked, found)
                known.update({n: n in present for n in asked})
                for n in asked:
                    lines[n] = []
                for text in found:  # each line under the names it holds
                    for n in present_words(present, [text]) if len(present) > 1 else present:
                        lines[n].append(text)
        seen = {n for n in names if known.get(n)}
        # the text as grep's hits give it: up to the first line break Python sees (a form feed, ...)
        return seen, [t.splitlines()[0] if t else t for t in dict.fromkeys(t for n in sorted(seen) for t in lines[n])]

    def _word_lines(self, commit: str, names: tuple[str, ...], paths: tuple[str, ...]) -> list[str]:
        args = ["git", "-C", self.path, *_SMALL_PACK_WINDOWS, "grep", _ONE_THREAD, "-h", "-w", "-F", "-I", "--no-color"]
        args += [x for n in names for x in ("-e", n)] + [commit, "--", *paths]
        out = subprocess.run(args, capture_output=True).stdout
        return decode(out).split("\n")[:-1]

    def absent(self, commit: str, name: str, paths: tuple[str, ...]) -> bool:
        """``words`` of this commit already found ``name`` nowhere under directories that hold
        every one of ``paths`` (``dir`` or ``dir/*.h`` under them): no search of them can find it."""
        for (done, spec), known in self._present.items():
            if done == commit and known.get(name) is False and _covered(paths, spec):
                return True
        return False

    def _absent_elsewhere(self, commit: str, names: list[str], paths: tuple[str, ...]) -> dict[str, bool]:
        """Whether ``names`` occur under ``paths``, for those another commit's search of the same
        paths found nowhere: only this commit's files that differ from that commit's can hold them
        (a diff of the two trees, no blob read), and only they are searched.  A port to several
        stable releases of one series reads each one's few changed headers, not all 23,000."""
        elsewhere = self._elsewhere(commit, names, paths)
        if elsewhere is None:
            return {}
        absent, changed = elsewhere
        found: set[str] = set()
        for part in _in_parts(changed):
            found |= self._words(commit, tuple(absent), part)
        return {n: n in found for n in absent}

    def _elsewhere(self, commit: str, names: list[str], paths: tuple[str, ...]) -> tuple[list[str], tuple[str, ...]] | None:
        """(the names another commit's search of the same paths found nowhere, the files of this
        commit that differ from that commit's): those names can be in those files only."""
        other: str | None = None
        absent: list[str] = []
        for (done, spec), known in self._present.items():
            here = [n for n in names if known.get(n) is False] if spec == paths and done != commit else []
            if len(here) > len(absent):
                other, absent = done, here
        if other is None:
            return None
        return absent, self.differing(other, commit, paths)

    @lru_cache(maxsize=1024)  # noqa: B019 - a Repository lives for the whole run
    def _words(self, commit, names, paths) -> set[str]:
        args = ["git", "-C", self.path, *_SMALL_PACK_WINDOWS, "grep", _ONE_THREAD, "-o", "-h", "-w", "-F", "-I"]
        args += [x for n in names for x in ("-e", n)] + [commit, "--", *paths]
        out = subprocess.run(args, capture_output=True).stdout
        return set(decode(out).split()) & set(names)


def _in_parts(literal: tuple[str, ...], size: int = 2000) -> Iterator[tuple[str, ...]]:
    """Literal pathspecs in runs of ``size``, one git command each: well inside the argument limits."""
    for at in range(0, len(literal), size):
        yield literal[at:at + size]


def _covered(paths: tuple[str, ...], spec: tuple[str, ...]) -> bool:
    """Every file ``paths`` select is under one of the plain directories of ``spec`` (a spec
    with any pathspec magic or glob is not read: it answers nothing here)."""
    if not paths or any(s.startswith(":") or any(c in s for c in "*?[") for s in spec):
        return False
    return all(not p.startswith(":") and any(p == d or p.startswith(d + "/") for d in spec) for p in paths)


_WORD = re.compile(r"[A-Za-z0-9_]+")  # git grep -w's word characters (a byte >= 0x80 is none)


def present_words(names, lines: list[str]) -> set[str]:
    """Those of ``names`` that ``git grep -o -w -F`` finds in ``lines``: a whole word, by git's
    word characters."""
    names = set(names)
    plain = {n for n in names if _WORD.fullmatch(n)}
    text = "\n".join(lines)
    found = set(_WORD.findall(text)) & plain
    for n in names - plain:  # a name git's words do not spell (not an ASCII identifier)
        if re.search(rf"(?<![A-Za-z0-9_]){re.escape(n)}(?![A-Za-z0-9_])", text):
            found.add(n)
    return found


class DirTree(Tree):
    """A plain directory holding a kernel tree."""

    def __init__(self, path: str):
        self.root = Path(path).resolve()
        self.name = path
        if not self.root.is_dir():
            raise TreeError("not a directory", source=path)
        self._grep = lru_cache(maxsize=4096)(self._run_grep)

    def read(self, path: str) -> str | None:
        full = self._file(path)
        return None if full is None else decode(full.read_bytes())

    def missing(self, paths) -> list[str]:
        return [p for p in paths if self._file(p) is None]

    def _file(self, path: str) -> Path | None:
        """The file at ``path``, unless it is no regular file or leaves the tree (symlinks)."""
        if not safe_path(path):
            return None
        full = (self.root / path).resolve()
        return full if full.is_relative_to(self.root) and full.is_file() else None

    def grep(self, pattern, *, paths=(), word=False, fixed=False, files=None):
        return self._grep(pattern, tuple(paths), word, fixed)  # every hit: files is only a hint

    def words(self, names, paths):
        args = ["git", "grep", "--no-index", "-o", "-h", "-w", "-F", "-I"]
        args += [x for n in names for x in ("-e", n)] + ["--", *paths]
        env = dict(os.environ, GIT_CEILING_DIRECTORIES=str(self.root.parent))
        out = subprocess.run(args, capture_output=True, cwd=self.root, env=env).stdout
        return set(decode(out).split()) & set(names)

    def word_lines(self, names, paths):
        args = ["git", "grep", "--no-index", "-h", "-w", "-F", "-I", "--no-color"]
        args += [x for n in names for x in ("-e", n)] + ["--", *paths]
        env = dict(os.environ, GIT_CEILING_DIRECTORIES=str(self.root.parent))
        out = subprocess.run(args, capture_output=True, cwd=self.root, env=env).stdout
        lines = decode(out).split("\n")[:-1]
        return present_words(names, lines), [t.splitlines()[0] if t else t for t in lines]

    def _run_grep(self, pattern, paths, word, fixed):
        args = ["git", "grep", "--no-index", *_grep_args(pattern, word, fixed), "--", *paths]
        env = dict(os.environ, GIT_CEILING_DIRECTORIES=str(self.root.parent))
        out = subprocess.run(args, capture_output=True, cwd=self.root, env=env)
        return _parse_grep(decode(out.stdout))


def _plain_checkout(path: str) -> bool:
    """``path`` holds a ``.git`` directory git would take for a repository, or is one (a bare
    repository such as ``linux.git``): a HEAD naming a ref or a commit, ``objects/``, ``refs/``; no
    worktree or environment overrides.  What GitPython accepts without a doubt, decided without
    importing it."""
    if any(os.environ.get(v) is not None for v in ("GIT_DIR", "GIT_COMMON_DIR", "GIT_OBJECT_DIRECTORY")):
        return False
    dotgit = os.path.join(path, ".git")
    return _git_dir(dotgit) or (not os.path.lexists(dotgit) and _git_dir(path))


def _git_dir(dotgit: str) -> bool:
    """A repository's own git directory (not a linked worktree's), as ``_plain_checkout`` asks."""
    if not os.path.isdir(dotgit) or os.path.lexists(os.path.join(dotgit, "commondir")):
        return False
    try:
        with open(os.path.join(dotgit, "HEAD"), "rb") as f:
            head = f.read(256)
    except OSError:
        return False
    named = head.startswith(b"ref:") and head[4:].lstrip().startswith(b"refs/")
    return (named or bool(re.match(rb"(?:[0-9A-Fa-f]{64}|[0-9A-Fa-f]{40})", head))) \
        and os.path.isdir(os.path.join(dotgit, "objects")) and os.path.isdir(os.path.join(dotgit, "refs"))


class CatFile:
    """One ``git cat-file --batch`` process kept for the life of the repository: an object name
    in, its type and content out; started on first use, started afresh after git exits (it
    exits on a corrupt object)."""

    def __init__(self, path: str):
        self.path = path
        self._proc: subprocess.Popen | None = None

    def get(self, spec: str) -> tuple[bytes, bytes] | None:
        """(type, content) of the object ``spec`` names, None when git has none (or died)."""
        proc = self._start()
        assert proc.stdin is not None and proc.stdout is not None  # both are pipes
        try:
            proc.stdin.write(encode(spec) + b"\n")
            proc.stdin.flush()
            header = proc.stdout.readline()
        except OSError:
            header = b""
        fields = header.split()
        if len(fields) != 3 or not fields[2].isdigit():
            if not header:
                self.close()
            return None
        size = int(fields[2])
        return fields[1], proc.stdout.read(size + 1)[:size]

    def _start(self) -> subprocess.Popen:
        if self._proc is None or self._proc.poll() is not None:
            self._proc = subprocess.Popen(["git", "-C", self.path, *_SMALL_PACK_WINDOWS, "cat-file", "--batch"],
                                          stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                          stderr=subprocess.DEVNULL)
        return self._proc

    def close(self) -> None:
        if self._proc is not None:
            for pipe in (self._proc.stdin, self._proc.stdout):
                assert pipe is not None  # both are pipes
                try:
                    pipe.close()
                except OSError:
                    pass
            self._proc.wait()
            self._proc = None

    def __del__(self):
        try:
            self.close()
        except Exception:  # noqa: BLE001 - at interpreter exit
            pass


def _unreadable(stderr: str) -> str | None:
    """git's complaint about an object it has but cannot read, as one message."""
    m = re.search(r"object ([0-9a-f]{7,64})\b[^\n]*is corrupt", stderr) \
        or re.search(r"unable to unpack ([0-9a-f]{7,64})", stderr)
    if m:
        return f"object {m.group(1)} is corrupt"
    if re.search(r"\bcorrupt\b", stderr):
        return f"a git object is corrupt: {stderr.strip().splitlines()[-1]}"
    return None


def _batch_objects(out: bytes):
    """(type, content) per request of ``git cat-file --batch`` output; (None, b"") for missing."""
    pos = 0
    while pos < len(out):
        end = out.index(b"\n", pos)
        fields = out[pos:end].split()
        pos = end + 1
        if len(fields) == 3 and fields[2].isdigit():
            size = int(fields[2])
            yield fields[1], out[pos:pos + size]
            pos += size + 1
        else:  # "<spec> missing", "<spec> ambiguous"
            yield None, b""


# a kernel version as trees and tags name it: "v4.9.117", "4.19", "linux-5.10", "v6.1-rc3" (group 1: "6.1-rc3")
KERNEL_VERSION = re.compile(r"(?:linux-)?v?(\d+\.\d+(?:\.\d+)?(?:-rc\d+)?)", re.ASCII)


_MAKE_VERSION = re.compile(r"^VERSION\s*=\s*(\d+)\s*$.*?^PATCHLEVEL\s*=\s*(\d+)\s*$", re.M | re.S)
_NAME_VERSION = re.compile(r"(?<![\d.])v?(\d+)\.(\d+)(?:\.\d+)?")  # "v6.1.190", "linux-4.9"


def kernel_version(tree: Tree) -> tuple[int, int] | None:
    """(VERSION, PATCHLEVEL) of the tree's top Makefile, else of its name; None when neither says."""
    m = _MAKE_VERSION.search(tree.read("Makefile") or "") or _NAME_VERSION.search(tree.name or "")
    return (int(m.group(1)), int(m.group(2))) if m else None


def open_tree(spec: str, repo: Repository | None) -> Tree:
    """An existing directory is read as a plain tree, anything else as a ref of ``repo``."""
    if os.path.isdir(spec) and (repo is None or not repo.try_resolve(spec)):
        return DirTree(spec)
    if repo is None:
        raise TreeError(f"'{spec}' is not a directory, and no --repo was given to resolve it as a ref")
    return GitTree(repo, spec)


def ref_for_version(version: str, repo: Repository) -> str | None:
    """The ref naming a kernel version in ``repo``: v4.9.117, 4.9.117, ..."""
    m = KERNEL_VERSION.fullmatch(version)
    if not m:
        return None
    for ref in (f"v{m.group(1)}", m.group(1), f"linux-{m.group(1)}"):
        if repo.try_resolve(ref):
            return ref
    return None
