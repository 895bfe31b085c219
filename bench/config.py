"""Where things are: the manifest in the repository, the kernel sources in a cache outside it."""
from __future__ import annotations

import json
import os
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
MANIFEST = BENCH_DIR / "manifest.json"


def cache_dir() -> Path:
    env = os.environ.get("BACKPORT_BENCH_CACHE")
    return Path(env).expanduser() if env else Path.home() / ".cache" / "backport-bench"


def repo_dir() -> Path:
    return cache_dir() / "linux.git"


def deb_dir() -> Path:
    return cache_dir() / "debs"


def changelog_dir() -> Path:
    return cache_dir() / "changelogs"


def cases_dir() -> Path:
    return cache_dir() / "cases"


def load_manifest(path: Path = MANIFEST) -> dict:
    return json.loads(path.read_text())


def save_manifest(manifest: dict, path: Path = MANIFEST) -> None:
    path.write_text(json.dumps(manifest, indent=1, sort_keys=False) + "\n")
