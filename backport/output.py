"""Writing results: everything goes into a staging directory beside ``-o``
that is renamed into place at the end, so a failed or interrupted run leaves
no half-written series.  An existing output directory is replaced only with
``--force``, and only when it is a previous backport output; what ``-o``,
``--json`` and ``--report`` may name at all is checked in ``paths``."""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from .encoding import encode
from .errors import OutputError, ReaderLeft
from .model import PortResult
from .options import ReportOptions, SeriesOptions
from .paths import _same, _still_output, place, previous_output, signals_held, swap
from .report import dump_json, render_markdown
from .series import SeriesEntry, cover_letter, mail, review_items, slug
from .stable import series_name

COVER = "0000-cover-letter.txt"  # not *.patch: `git am OUT/<target>/*.patch` must not meet it (no diff in it)


def mbox_name(dirname: str) -> str:
    """The one file holding a target's whole series, for ``git am -3`` in one go (b4's ``.mbx``)."""
    return f"{dirname}.mbx"


def target_dirname(target: str) -> str:
    """The directory for a target as given: a ref keeps its name ('/' -> '-'), a path its last part."""
    if os.path.isdir(target):
        return Path(target).resolve().name or "target"
    safe = "".join(c if c.isalnum() or c in "._-+" else "-" for c in target)
    return safe.lstrip(".") or "target"


class Output:
    """``-o OUT``: checked before any work (see ``check_paths``), written through a staging
    directory beside it, put in place at the end by a rename that never replaces what it did not
    check (``place``/``swap``)."""

    def __init__(self, path: str, force: bool = False):
        self.path = Path(path)
        self.real = Path(os.path.realpath(path)) if path else self.path  # through a symlink OUT
        self.force = force
        self.stage: Path  # the staging directory, set by staging() before anything is written
        self.files: dict[tuple[int, str], str] = {}
        self.series: list[dict] = []  # per target: dir, files, cover_letter, skipped
        self.previous: tuple[int, int] | None = None  # (device, inode) of the OUT --force replaces
        self.pending: list[tuple[str, str]] = []  # --json/--report files, written after OUT
        if os.path.lexists(self.path) and not force:
            raise OutputError("output directory exists; use --force to replace it", source=str(self.path))
        if os.path.lexists(self.path):
            st = previous_output(self.path)
            self.previous = (st.st_dev, st.st_ino)

    def nested(self, name: str) -> Output:
        """A writer for ``OUT/<name>/`` inside this output's staging directory (batch mode)."""
        sub = Output.__new__(Output)
        sub.path, sub.force, sub.files, sub.series = self.path / name, True, {}, []
        sub.real, sub.previous, sub.pending = self.real / name, None, []
        sub.stage = self.stage / name
        sub.stage.mkdir(parents=True, exist_ok=True)
        return sub

    @contextmanager
    def staging(self):
        """A staging directory; put in place as the output when the block succeeds.  An
        interruption (SIGINT, SIGTERM, SIGHUP) or an error removes it: OUT is absent or whole."""
        parent = self.real.parent
        made = [p for p in (parent, *parent.parents) if not os.path.lexists(p)]  # removed again on failure
        staged = False
        try:
            with signals_held():  # a signal between mkdtemp and `staged` would leave it behind;
                staged = self._make_stage(parent)  # held, it is raised here, inside the try
            scratch = self.stage / ".scratch"
            scratch.mkdir()
            yield str(scratch)
            shutil.rmtree(scratch)
            with signals_held():
                self._commit()
            for path, text in self.pending:  # --json FILE, --report FILE: not before OUT is in place
                _write_outside(path, text)
        finally:
            with signals_held():
                if staged and os.path.lexists(self.stage):
                    shutil.rmtree(self.stage, ignore_errors=True)
                _remove_empty(made if not os.path.lexists(self.real) else [])

    def _make_stage(self, parent: Path) -> bool:
        try:
            parent.mkdir(parents=True, exist_ok=True)
            self.stage = Path(tempfile.mkdtemp(prefix=f".{self.real.name}.", dir=parent))
        except OSError as err:
            raise OutputError(f"cannot write here: {err.strerror}", source=str(self.path)) from None
        return True

    def _commit(self) -> None:
        try:
            if self.previous is not None and _same(self.real, self.previous) and _still_output(self.real):
                swap(self.stage, self.real)  # the old OUT now sits at self.stage: removed by staging()
            elif self.previous is not None and os.path.lexists(self.real):
                raise OutputError("the output directory was replaced while the run worked; left as it is, "
                                  "nothing written", source=str(self.path))
            else:
                place(self.stage, self.real)
        except FileExistsError:
            raise OutputError("the output directory appeared while the run worked; left as it is, "
                              "nothing written", source=str(self.path)) from None
        except OSError as err:
            raise OutputError(f"cannot put the output in place: {err.strerror or err}",
                              source=str(self.path)) from None

    def write_results(self, results: list[PortResult], series: SeriesOptions = SeriesOptions(),
                      reports: ReportOptions = ReportOptions()) -> None:
        """The series per target (``OUT/<target dir>/``), then the reports."""
        try:
            self._write_all(results, series, reports)
        except OSError as err:
            raise OutputError(f"cannot write: {err.strerror or err}", source=str(self.path)) from None

    def _write_all(self, results: list[PortResult], opts: SeriesOptions, reports: ReportOptions) -> None:
        signoff = _git_identity() if opts.signoff else None
        style = opts.upstream_style or "commit"
        order = list(dict.fromkeys(t.target for r in results for t in r.targets))
        folders = unique_dirnames(order)
        for name in order:
            entries = [(i, r, t) for i, r in enumerate(results) for t in r.targets if t.target == name]
            self._series(name, folders[name], entries, opts, signoff, style)
        self._reports(results, reports)

    def _series(self, name: str, dirname: str, entries, opts: SeriesOptions, signoff: str | None, style: str) -> None:
        folder = self.stage / dirname
        folder.mkdir(exist_ok=True)
        prefix = opts.subject_prefix or f"PATCH {series_name(name) or target_dirname(name)}"
        blocked = [t for _, _, t in entries if not t.complete]
        info: dict[str, Any] = {"target": name, "dir": folder.name, "files": [], "cover_letter": None, "skipped": None, "mbox": None}
        self.series.append(info)
        if opts.no_partial and blocked:
            count = sum(len(review_items(t)) for t in blocked)
            info["skipped"] = f"--no-partial: {count} item(s) need a human"
            return
        numbered = [(i, r, t) for i, r, t in entries if t.diff]
        total = len(numbered)
        listed = []
        for n, (i, result, target) in enumerate(numbered, 1):
            file = f"{n:04d}-{slug(result.patch.meta.subject)}.patch"
            text = mail(result, target, prefix=prefix, signoff=signoff, upstream_style=style, number=(n, total))
            (folder / file).write_bytes(encode(text))
            self.files[(i, name)] = str(self.path / folder.name / file)
            info["files"].append(file)
        if numbered:  # the mails in order, as git format-patch --stdout would give them
            mails = b"".join((folder / f).read_bytes() for f in info["files"])
            (folder / mbox_name(folder.name)).write_bytes(mails)
            info["mbox"] = mbox_name(folder.name)
        for i, result, target in entries:
            number = next((n for n, (j, _, _) in enumerate(numbered, 1) if j == i), None)
            listed.append(SeriesEntry(result, target, number))
        if total > 1:
            text = cover_letter(name, listed, prefix=prefix, sender=signoff)
            (folder / COVER).write_bytes(encode(text))
            info["cover_letter"] = COVER

    def _reports(self, results, reports: ReportOptions) -> None:
        as_json = dump_json(results, self.files, self.series)  # one rendering of each, written where asked
        markdown = render_markdown(results)
        if reports.json and reports.json != "-":  # written once OUT is in place (see staging)
            self.pending.append((reports.json, as_json))
        elif reports.json == "-":
            _to_stdout(_bytes(as_json))
        if reports.report:
            self.pending.append((reports.report, markdown))
        (self.stage / "report.md").write_bytes(_bytes(markdown))
        (self.stage / "report.json").write_bytes(_bytes(as_json))


def _to_stdout(data: bytes) -> None:
    try:
        sys.stdout.flush()
        sys.stdout.buffer.write(data)
        sys.stdout.buffer.flush()
    except BrokenPipeError:
        raise ReaderLeft("standard output was closed before the JSON report was written; "
                         "nothing written") from None


def _remove_empty(folders: list[Path]) -> None:
    """The parents of OUT a failed run made, deepest first, while they are empty."""
    for folder in folders:
        try:
            folder.rmdir()
        except OSError:
            return


RESERVED = frozenset({"report.md", "report.json", ".scratch", "batch.json", "", ".", ".."})


def unique_dirnames(names: list[str]) -> dict[str, str]:
    """One folder per target (or job): clashes get -2, -3 ...; report and scratch names are avoided."""
    taken: set[str] = set()
    out = {}
    for name in names:
        base = target_dirname(name)
        base = f"target-{base}" if base in RESERVED or base.startswith(".") else base
        folder, n = base, 2
        while folder in taken:
            folder, n = f"{base}-{n}", n + 1
        taken.add(folder)
        out[name] = folder
    return out


def _bytes(text: str) -> bytes:
    """Text as written: kernel sources may hold Latin-1 bytes (kept with surrogateescape)."""
    return encode(text)


def _write_outside(path: str, text: str) -> None:
    """``--json``/``--report``: a new file renamed over the old name (in the directory a symlink
    names), so a hard link to some other file is never written through."""
    real = os.path.realpath(path)
    try:
        if os.path.exists(real) and not os.path.isfile(real):  # /dev/stdout, a FIFO: written as it is
            with open(real, "wb") as f:
                f.write(_bytes(text))
            return
        mode = os.stat(real).st_mode & 0o7777 if os.path.exists(real) else 0o666 & ~_umask()
        fd, tmp = tempfile.mkstemp(prefix=f".{os.path.basename(real)}.", dir=os.path.dirname(real))
        try:
            with os.fdopen(fd, "wb") as f:
                f.write(_bytes(text))
            os.chmod(tmp, mode)
            os.replace(tmp, real)
        except BaseException:
            os.unlink(tmp)
            raise
    except OSError as err:
        raise OutputError(f"cannot write: {err.strerror}", source=path) from None


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def _git_identity() -> str | None:
    name = subprocess.run(["git", "config", "user.name"], capture_output=True, text=True).stdout.strip()
    mail_ = subprocess.run(["git", "config", "user.email"], capture_output=True, text=True).stdout.strip()
    return f"{name} <{mail_}>" if name and mail_ else None
