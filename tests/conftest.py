import os
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "patches" / "0001-mm-disable-preemption-before-swapcache_free.mail"
DEMO = ROOT / "kernels" / "demo"

GIT_ENV = {"GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@t.invalid", "GIT_COMMITTER_NAME": "t",
           "GIT_COMMITTER_EMAIL": "t@t.invalid"}


def git(repo, *args, **kw):
    return subprocess.run(["git", "-C", str(repo), *args], check=True, capture_output=True,
                          env=dict(os.environ, **GIT_ENV), **kw).stdout.decode()


def make_repo(path: Path, versions: dict[str, dict[str, str]]) -> Path:
    """A git repo with one tagged commit per version: {tag: {path: text}}."""
    subprocess.run(["git", "init", "-q", "-b", "master", str(path)], check=True)
    for tag, files in versions.items():
        for child in path.iterdir():
            if child.name != ".git":
                subprocess.run(["rm", "-rf", str(child)], check=True)
        for rel, text in files.items():
            (path / rel).parent.mkdir(parents=True, exist_ok=True)
            (path / rel).write_text(text)
        git(path, "add", "-A")
        git(path, "commit", "-q", "--allow-empty", "-m", tag)
        git(path, "tag", tag)
    return path


def apply_check(tree: Path, diff: str) -> subprocess.CompletedProcess:
    env = dict(os.environ, GIT_CEILING_DIRECTORIES=str(tree.parent))
    return subprocess.run(["git", "apply", "--check", "-"], input=diff.encode(), cwd=tree, env=env,
                          capture_output=True)


@pytest.fixture(scope="session")
def demo_repo(tmp_path_factory):
    from backport.demo import build_repo, project_root
    where = tmp_path_factory.mktemp("demo") / "linux"
    tags = build_repo(project_root(), where)
    return where, tags
