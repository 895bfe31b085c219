"""Debian's linux-source packages: find, download, stream the C sources out.

Everything here talks to apt through its ordinary clients (``apt-cache``,
``apt-get download``) and reads the .deb with ``dpkg-deb``; nothing else is
fetched.
"""
from __future__ import annotations

import gzip
import re
import subprocess
import tarfile
from dataclasses import dataclass
from pathlib import Path

KEEP_SUFFIXES = (".c", ".h")


@dataclass(frozen=True)
class Package:
    name: str      # linux-source-6.1
    version: str   # 6.1.187-1 (Debian version)

    @property
    def upstream(self) -> str:
        """6.1.187 from 6.1.187-1 or 6.12.107-1~deb12u1."""
        return self.version.split("-")[0]

    @property
    def tag(self) -> str:
        return "v" + self.upstream

    def deb_name(self) -> str:
        return f"{self.name}_{self.version.replace(':', '%3a')}_all.deb"


def available_versions(name: str) -> list[str]:
    """The versions of package ``name`` that apt can download."""
    out = subprocess.run(["apt-cache", "madison", name], capture_output=True,
                         text=True, check=False).stdout
    return [cols[1].strip() for cols in (ln.split("|") for ln in out.splitlines())
            if len(cols) >= 3]


def download(pkg: Package, debdir: Path) -> Path:
    """Fetch the .deb into ``debdir`` unless it is there already."""
    debdir.mkdir(parents=True, exist_ok=True)
    deb = debdir / pkg.deb_name()
    if deb.exists() and deb.stat().st_size > 0:
        return deb
    proc = subprocess.run(["apt-get", "download", f"{pkg.name}={pkg.version}"],
                          cwd=debdir, capture_output=True, text=True)
    if proc.returncode != 0 or not deb.exists():
        raise RuntimeError(f"apt-get download {pkg.name}={pkg.version} failed: "
                           f"{proc.stderr.strip()[-400:]} (try `apt-get update`; "
                           f"apt-cache madison {pkg.name} lists what exists)")
    return deb


def read_changelog(deb: Path) -> str:
    """The package's changelog.Debian.gz, as text."""
    pattern = "./usr/share/doc/linux-source-*/changelog.Debian.gz"
    data = _fsys_member(deb, pattern)
    return gzip.decompress(data).decode("utf-8", "replace")


def _fsys_member(deb: Path, pattern: str) -> bytes:
    dpkg = subprocess.Popen(["dpkg-deb", "--fsys-tarfile", str(deb)],
                            stdout=subprocess.PIPE)
    tar = subprocess.run(["tar", "-xO", "--wildcards", pattern], stdin=dpkg.stdout,
                         capture_output=True, check=True)
    dpkg.stdout.close()
    dpkg.wait()
    return tar.stdout


def c_sources(deb: Path):
    """Yield (path, mode, bytes) for every *.c and *.h in the package's tarball.

    The outer .deb is read by dpkg-deb, the inner linux-source-X.tar.xz is
    decompressed by xz in its own process, and Python only walks the tar stream.
    """
    dpkg = subprocess.Popen(["dpkg-deb", "--fsys-tarfile", str(deb)],
                            stdout=subprocess.PIPE)
    inner = subprocess.Popen(["tar", "-xO", "--wildcards", "./usr/src/linux-source-*.tar.xz"],
                             stdin=dpkg.stdout, stdout=subprocess.PIPE)
    dpkg.stdout.close()
    xz = subprocess.Popen(["xz", "-dc"], stdin=inner.stdout, stdout=subprocess.PIPE,
                          bufsize=1 << 20)
    inner.stdout.close()
    try:
        with tarfile.open(fileobj=xz.stdout, mode="r|") as tar:
            for member in tar:
                if not member.isreg() or not member.name.endswith(KEEP_SUFFIXES):
                    continue
                path = member.name.split("/", 1)[1]  # drop linux-source-6.1/
                mode = 0o100755 if member.mode & 0o111 else 0o100644
                yield path, mode, tar.extractfile(member).read()
    finally:
        for proc in (xz, inner, dpkg):
            if proc.stdout:
                proc.stdout.close()
            proc.wait()


# --------------------------------------------------------------------------
# changelog.Debian: which stable commits a version brought
# --------------------------------------------------------------------------

_ENTRY = re.compile(r"^linux(?:-[\d.]+)? \(([^)]+)\) ")
_ITEM = re.compile(r"^    - (.*)")
_MORE = re.compile(r"^      (\S.*)")
_DATE = re.compile(r"^ -- .*?>  (.*)$")


def _upstream_key(version: str) -> tuple[int, ...]:
    up = version.split("-")[0]
    return tuple(int(p) for p in re.findall(r"\d+", up)[:3])


def changelog_entries(text: str) -> list[dict]:
    """[{version, date, subjects}] in file order (newest first)."""
    entries: list[dict] = []
    for line in text.splitlines():
        if m := _ENTRY.match(line):
            entries.append({"version": m.group(1), "date": None, "subjects": []})
        elif not entries:
            continue
        elif m := _ITEM.match(line):
            entries[-1]["subjects"].append(m.group(1))
        elif (m := _MORE.match(line)) and entries[-1]["subjects"]:
            entries[-1]["subjects"][-1] += " " + m.group(1)
        elif m := _DATE.match(line):
            entries[-1]["date"] = m.group(1)
    return entries


def clean_subject(item: str) -> str:
    """'[x86] tdx: Fix off-by-one (CVE-2026-1)' -> 'tdx: Fix off-by-one'."""
    item = re.sub(r"^(\[[^\]]*\]\s*)+", "", item)
    item = re.sub(r"\s*\((?:CVE-\d+-\d+[, ]*)+\)\s*$", "", item)
    return re.sub(r"\s+", " ", item).strip()


def window_subjects(text: str, old: str, new: str) -> list[str]:
    """Stable commit subjects brought by the versions in (old, new]."""
    lo, hi = _upstream_key(old), _upstream_key(new)
    seen: dict[str, None] = {}
    for entry in changelog_entries(text):
        if lo < _upstream_key(entry["version"]) <= hi:
            for item in entry["subjects"]:
                seen.setdefault(clean_subject(item), None)
    return list(seen)


def version_date(text: str, version: str) -> str | None:
    """The RFC 2822 date of the changelog entry for ``version``."""
    for entry in changelog_entries(text):
        if entry["version"] == version:
            return entry["date"]
    return None
