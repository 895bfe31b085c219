"""Running a port: the one function ``backport port``, ``backport demo`` and the
jobs of ``backport batch`` share.  It takes frozen options (``options``), reads
the patches, opens the trees, ports the series in order and writes it through
``output.Output``; the front ends only parse and render.
"""
from __future__ import annotations

import sys
from contextlib import contextmanager
from typing import TYPE_CHECKING

from .errors import TreeError
from .model import PortResult
from .options import PortOptions
from .output import Output
from .safetext import line, text_console

if TYPE_CHECKING:
    from .tree import Tree


def run_port(opts: PortOptions) -> tuple[list[PortResult], Output]:
    """Port every patch to every target and write the series and reports into ``opts.output``."""
    from .commits import git_toplevel, read_inputs
    from .tree import Repository, open_tree
    repo_path = opts.repo or git_toplevel()
    patches = read_inputs(list(opts.patches), repo_path)
    if opts.strip != 1:
        from .ingest import strip_paths
        patches = [strip_paths(p, opts.strip) for p in patches]
    repo = Repository(repo_path) if repo_path else None
    targets = [open_tree(t, repo) for t in opts.targets]
    bases = _bases(opts.base, patches, repo, open_tree)
    out = Output(opts.output, force=opts.force)
    with out.staging() as scratch, progress_bar(len(patches) * len(targets)) as step:
        results = port_patches(patches, bases, targets, scratch, repo_path, progress=step)
        if opts.check_cmd:
            from .checkcmd import run_checks
            results = run_checks(opts.check_cmd, results, scratch, repo_path)
        out.write_results(results, opts.series, opts.reports)
    return results, out


def port_patches(patches: list, bases: list, targets: list, scratch: str, repo_path: str | None,
                 progress=None) -> list[PortResult]:
    """The series ported in order, each patch on its base as the earlier ones leave it: the one
    port of ``backport port``, ``backport demo`` and every job of ``backport batch``."""
    from .workflow import port_series
    return port_series(patches, bases, targets, scratch=scratch, repo_path=repo_path, progress=progress)


def bases_of(given: str | None, patches, repo) -> list:
    """(name, tree) of each patch's base (see _bases)."""
    from .tree import open_tree
    return _bases(given, patches, repo, open_tree)


def _bases(given: str | None, patches, repo, open_tree) -> list:
    """(name, tree) of each patch's base: its own, else the series' (the first patch's) base."""
    out: list[tuple[str, Tree]] = []
    trees: dict = {}
    for patch in patches:
        try:
            spec = pick_base(given, patch, repo)
        except TreeError:
            if not out:
                raise
            spec = out[-1][0]  # patch N of a series on one base: the base as 1..N-1 leave it
        if spec not in trees:
            trees[spec] = open_tree(spec, repo)
        out.append((spec, trees[spec]))
    return out


@contextmanager
def progress_bar(total: int):
    """A progress bar on a terminal for runs of several ports; nothing when piped."""
    if total < 2 or not sys.stderr.isatty():
        yield None
        return
    from rich.markup import escape
    from rich.progress import Progress
    with Progress(console=text_console(stderr=True), transient=True) as bar:
        task = bar.add_task("porting", total=total)
        yield lambda target: bar.update(task, advance=1, description="ported to " + escape(line(str(target))))


def pick_base(given: str | None, patch, repo) -> str:
    from .tree import ref_for_version
    if given:
        return given
    if patch.base_hint and repo is not None:
        ref = ref_for_version(patch.base_hint, repo)
        if ref:
            return ref
    if patch.meta.base_commit and repo is not None and repo.try_resolve(patch.meta.base_commit):
        return patch.meta.base_commit
    hint = f" (its paths name {patch.base_hint}, which is no ref of --repo)" if patch.base_hint else ""
    raise TreeError(f"cannot tell which tree the patch was made against{hint}; give --base", source=patch.source)
