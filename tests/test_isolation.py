"""The tests run in a home of their own (tests/conftest.py: isolated_home): nothing they do reads or
writes the user's home, XDG directories or global git config."""
import os
import subprocess
from pathlib import Path


def test_home_xdg_and_git_config_are_the_tests_own(isolated_home):
    home = Path(os.environ["HOME"])
    assert home == isolated_home and Path.home() == isolated_home
    for name in ("XDG_CONFIG_HOME", "XDG_CACHE_HOME", "XDG_DATA_HOME", "XDG_STATE_HOME"):
        assert Path(os.environ[name]).is_relative_to(home), name
    assert os.environ["GIT_CONFIG_NOSYSTEM"] == "1"
    where = subprocess.run(["git", "config", "--global", "--show-origin", "user.name"], capture_output=True,
                           text=True, check=True).stdout
    assert where == f"file:{home / '.gitconfig'}\tbackport tests\n"


def test_git_config_global_writes_into_the_tests_home(isolated_home):
    subprocess.run(["git", "config", "--global", "backport.isolation", "yes"], check=True)
    assert "isolation = yes" in (isolated_home / ".gitconfig").read_text()
    subprocess.run(["git", "config", "--global", "--unset", "backport.isolation"], check=True)


def test_the_bench_cache_is_still_found_by_its_real_path():
    from bench import config
    assert not config.cache_dir().is_relative_to(Path.home())
