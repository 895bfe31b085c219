"""``backport demo``: build a throw-away git repository from the demo kernel
trees in ``kernels/demo`` (one tagged commit per version) and port the seed
patch from 4.9.117 to every later version.

The trees and the seed patch are package data (``backport/data/kernels``,
``backport/data/patches``; the checkout's top-level ``kernels`` and ``patches``
are links to them), read through ``importlib.resources``: the demo works from
a wheel or ``pip install .`` as well as from the checkout."""
from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from dataclasses import replace
from importlib import resources
from pathlib import Path

from .errors import TreeError
from .options import PortOptions

SEED = "0001-mm-disable-preemption-before-swapcache_free.mail"
_GIT_ENV = {"GIT_AUTHOR_NAME": "backport demo", "GIT_AUTHOR_EMAIL": "demo@backport.invalid",
            "GIT_COMMITTER_NAME": "backport demo", "GIT_COMMITTER_EMAIL": "demo@backport.invalid",
            "GIT_AUTHOR_DATE": "2018-08-04T12:00:00Z", "GIT_COMMITTER_DATE": "2018-08-04T12:00:00Z"}


def data_root() -> Path:
    """The package's data directory, holding kernels/demo/ and patches/."""
    root = resources.files("backport") / "data"
    if not isinstance(root, Path) or not (root / "kernels" / "demo" / "versions.txt").is_file():
        raise TreeError(f"demo trees not found in the installed package ({root}/kernels/demo/versions.txt): "
                        "reinstall backport")
    return root


def versions(root: Path) -> list[str]:
    lines = (root / "kernels" / "demo" / "versions.txt").read_text().split()
    return [v for v in lines if v and not v.startswith("#")]


def build_repo(root: Path, where: Path) -> list[str]:
    """A git repository at ``where`` with one commit and tag v<version> per demo tree."""
    env = dict(os.environ, **_GIT_ENV)
    def run(*a):
        return subprocess.run(["git", "-C", str(where), *a], check=True, env=env, capture_output=True)
    subprocess.run(["git", "init", "-q", "-b", "master", str(where)], check=True, capture_output=True)
    tags = []
    for version in versions(root):
        for child in where.iterdir():
            if child.name != ".git":
                shutil.rmtree(child) if child.is_dir() else child.unlink()
        shutil.copytree(root / "kernels" / "demo" / version, where, dirs_exist_ok=True)
        run("add", "-A")
        run("commit", "-q", "--allow-empty", "-m", f"Linux {version}")
        run("tag", f"v{version}")
        tags.append(f"v{version}")
    return tags


def run_demo(opts: PortOptions):
    """The seed patch from the demo's first tag to every later one (``opts`` says how to write it)."""
    from .runner import run_port
    root = data_root()
    work = Path(tempfile.mkdtemp(prefix="backport-demo-"))
    tags = build_repo(root, work / "linux")
    opts = replace(opts, output=opts.output or str(work / "out"), patches=(str(root / "patches" / SEED),),
                   repo=str(work / "linux"), base=tags[0], targets=tuple(tags[1:]))
    print(f"demo repository: {work / 'linux'} (tags {', '.join(tags)})")
    return run_port(opts)
