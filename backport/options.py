"""What a run was asked to do, as frozen values: the command line (``cli``), the demo
(``demo``) and the jobs of a batch (``batch``) all build these and hand them to
``runner.run_port`` and ``output.Output``; no argparse Namespace travels further.
"""
from __future__ import annotations

import gc
from contextlib import contextmanager
from dataclasses import dataclass


@contextmanager
def cycles_collected_between_jobs():
    """A port allocates millions of small objects that form next to no cycles, and the cyclic
    collector would still walk every one of them (a 100,000-file patch: 12 s of 146 s CPU): it is
    off while a command runs.  Whatever runs many jobs in one process calls ``collect_after_job``
    after each (``batch``), so cycles a job left are freed at its end."""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()


def collect_after_job() -> None:
    """Free the cycles the objects made since the last collection hold (older ones were walked)."""
    gc.collect(1)


@dataclass(frozen=True)
class SeriesOptions:
    """How the mails of a series are written."""

    subject_prefix: str | None = None  # replaces "PATCH <series>"
    signoff: bool = False  # add the porter's Signed-off-by (git config user.name/email)
    upstream_style: str = "commit"  # "commit <sha> upstream." or "[ Upstream commit <sha> ]"
    no_partial: bool = False  # no series for a target where something needs a human


@dataclass(frozen=True)
class ReportOptions:
    """Where the reports go besides OUT/report.json and OUT/report.md."""

    json: str | None = None  # a file, or "-" for standard output
    report: str | None = None  # a Markdown file


@dataclass(frozen=True)
class PortOptions:
    """One ``backport port``: the patches, the trees, the output."""

    patches: tuple[str, ...]  # files, directories, '-', commits or ranges of the repository
    targets: tuple[str, ...]
    output: str
    repo: str | None = None
    base: str | None = None
    force: bool = False
    strip: int = 1  # as git apply -pN
    check_cmd: str | None = None
    series: SeriesOptions = SeriesOptions()
    reports: ReportOptions = ReportOptions()

    @classmethod
    def from_args(cls, args) -> PortOptions:
        """The options of a parsed ``port`` or ``demo`` command line."""
        patch = getattr(args, "patch", None)
        return cls(
            patches=tuple([patch] if isinstance(patch, str) else patch or ()),
            targets=tuple(getattr(args, "to", None) or ()),
            output=args.output, repo=getattr(args, "repo", None), base=getattr(args, "base", None),
            force=args.force, strip=getattr(args, "strip", 1), check_cmd=getattr(args, "check_cmd", None),
            series=SeriesOptions(subject_prefix=args.subject_prefix, signoff=args.signoff,
                                 upstream_style=args.upstream_style or "commit", no_partial=args.no_partial),
            reports=ReportOptions(json=args.json, report=args.report))
