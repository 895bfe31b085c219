import os
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "patches" / "0001-mm-disable-preemption-before-swapcache_free.mail"
DEMO = ROOT / "kernels" / "demo"

GIT_ENV = {"GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@t.invalid", "GIT_COMMITTER_NAME": "t",
           "GIT_COMMITTER_EMAIL": "t@t.invalid"}


@pytest.fixture(scope="session", autouse=True)
def isolated_home(tmp_path_factory):
    """The tests never read or write the user's (or the machine's) home, XDG dirs or git config.

    HOME and the XDG dirs point into a temporary directory; git reads no system config and, as
    its global config, an empty-but-for-an-identity file there; commits get a fixed identity.
    What the real home held and the tests still need is passed by its real path: the bench's
    kernel cache (BACKPORT_BENCH_CACHE) and pyenv's root (its shims find Python through it).
    A test that sets its own GIT_CONFIG_GLOBAL (monkeypatch) still wins."""
    real_home = Path.home()
    home = tmp_path_factory.mktemp("home")
    gitconfig = home / ".gitconfig"
    gitconfig.write_text("[user]\n\tname = backport tests\n\temail = tests@backport.invalid\n")
    env = {"HOME": str(home), "XDG_CONFIG_HOME": str(home / ".config"), "XDG_CACHE_HOME": str(home / ".cache"),
           "XDG_DATA_HOME": str(home / ".local" / "share"), "XDG_STATE_HOME": str(home / ".local" / "state"),
           "GIT_CONFIG_GLOBAL": str(gitconfig), "GIT_CONFIG_NOSYSTEM": "1",
           "BACKPORT_BENCH_CACHE": os.environ.get("BACKPORT_BENCH_CACHE")
           or str(real_home / ".cache" / "backport-bench"),
           **GIT_ENV}
    if "PYENV_ROOT" not in os.environ and (real_home / ".pyenv").is_dir():
        env["PYENV_ROOT"] = str(real_home / ".pyenv")
    with pytest.MonkeyPatch.context() as mp:
        for name, value in env.items():
            mp.setenv(name, value)
        mp.delenv("XDG_RUNTIME_DIR", raising=False)
        mp.delenv("GIT_CONFIG", raising=False)
        yield home


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
    from backport.demo import build_repo, data_root
    where = tmp_path_factory.mktemp("demo") / "linux"
    tags = build_repo(data_root(), where)
    return where, tags
