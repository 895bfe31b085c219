"""`python -m bench fetch`: download the packages of the manifest and import them."""
from __future__ import annotations

import time

from . import config, debian, kernelrepo


def branch_packages(manifest: dict):
    """Yield (git branch, [Package...]) in the manifest's order."""
    for series in manifest["branches"].values():
        yield series["git_branch"], [debian.Package(series["package"], v)
                                     for v in series["versions"]]


def check_available(manifest: dict, log=print) -> list[str]:
    """Manifest versions that apt does not offer (empty when all are there)."""
    missing = []
    for _, pkgs in branch_packages(manifest):
        offered = set(debian.available_versions(pkgs[0].name))
        missing += [f"{p.name}={p.version}" for p in pkgs if p.version not in offered]
    for item in missing:
        log(f"not offered by apt: {item}")
    return missing


def changelog_of(pkg: debian.Package, deb) -> str:
    path = config.changelog_dir() / f"{pkg.name}_{pkg.version}.txt"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(debian.read_changelog(deb))
    return path.read_text()


def import_branch(repo, branch: str, pkgs: list[debian.Package], log=print) -> None:
    """Import the versions not yet tagged, oldest first, as one linear chain."""
    have = kernelrepo.tags(repo)
    todo = [p for p in pkgs if p.tag not in have]
    done_after = [p for p in pkgs[pkgs.index(todo[0]) + 1:] if p.tag in have] if todo else []
    if done_after:
        raise SystemExit(f"{branch}: {todo[0].tag} would go before the imported {done_after[0].tag}; "
                         f"remove {repo} and fetch again to rebuild the chain")
    for pkg in todo:
        start = time.monotonic()
        deb = debian.download(pkg, config.deb_dir())
        log(f"  downloaded {deb.name} ({deb.stat().st_size >> 20} MB)")
        kernelrepo.import_version(repo, branch, pkg, deb, changelog_of(pkg, deb), log=log)
        log(f"  imported in {time.monotonic() - start:.0f} s")


def fetch(manifest: dict, keep_debs: bool = True, log=print) -> None:
    repo = config.repo_dir()
    kernelrepo.ensure_repo(repo)
    check_available(manifest, log=log)
    for branch, pkgs in branch_packages(manifest):
        log(f"{branch}: {', '.join(p.version for p in pkgs)}")
        import_branch(repo, branch, pkgs, log=log)
        for pkg in pkgs:  # changelogs are needed for case subjects
            deb = config.deb_dir() / pkg.deb_name()
            if deb.exists():
                changelog_of(pkg, deb)
                if not keep_debs:
                    deb.unlink()
    log(f"repository: {repo}")
