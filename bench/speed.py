"""`python -m bench speed`: what a port costs on a full kernel tree.

The kinds of work issue 13 names, on the bench repository (Debian's 6.1.x
and 6.12.x sources as tagged commits), each run as a whole ``backport``
process:

* ``one-target``: a real stable fix (the 6.12 side of a manifest case)
  ported 6.12.x -> 6.1.x;
* ``moved``: a hunk in a function that lives in mm/memcontrol-v1.c in 6.12
  and in mm/memcontrol.c in 6.1;
* ``missing``: a hunk in a function 6.1 does not have anywhere;
* ``lacking-api``: an added line calling a function 6.12 has and 6.1 lacks;
* ``batch``: the moved and lacking-api patches as batch jobs, to three 6.1 trees each;
* ``seed`` and ``seed-batch``: the seed patch (4.9.117) on the demo trees,
  one port to v4.19, and 24 batch jobs (every later demo tree, 4 times)
  as in the issue's table;
* ``files-10k`` and ``files-100k`` (issue 9's size bound: a patch touching
  10,000 files ports in seconds, 100,000 in under two minutes): a generated
  repository of that many small C files (tags vbase, vtarget: a line added on
  top of each) and a patch adding one line to every file, as
  tests/test_hostile_bounds.py builds it with 300-400 files.  ``files-100k``
  runs only when asked for (``--case files-100k``): one run takes minutes.

The hunks of the last three are edits made here on the real 6.12 text (one
line added inside a real function), so the trees and the searches are real
and the cases need nothing but the bench repository.

For every command: CPU seconds (user + system of the process and every
process it started, from the kernel's accounting of the finished process
tree), wall seconds, the peak resident memory of the largest single process
(GNU time's ``%M``), and the peak of the whole tree's resident memory
(sampled every 10 ms from /proc).  Each is the median of ``--runs`` runs
after a warm-up, next to the same figures for merely importing the
dependencies (the import floor), measured in the same run.
"""
from __future__ import annotations

import datetime
import difflib
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from . import cases, config, kernelrepo

OPTIONAL = ("files-100k",)  # run only when named with --case
MANY = {"files-10k": 10_000, "files-100k": 100_000}
FUNC = "int f{i}(int v)\n{{\n\tint y = v + {i};\n\n\tif (y > 10)\n\t\treturn 0;\n\ty = y * 2;\n\treturn y;\n}}\n"
FLOOR = [sys.executable, "-c", "import unidiff, git, tree_sitter, tree_sitter_c, rich"]
NEW, OLD = "v6.12.117", "v6.1.192"
OLD_TARGETS = ("v6.1.187", "v6.1.190", "v6.1.192")
# (name, path in 6.12, function, line added after the function's opening brace, what it shows)
EDITS = (
    ("moved", "mm/memcontrol-v1.c", "mem_cgroup_soft_reclaim",
     "\tWARN_ON_ONCE(!root_memcg);",
     "function in mm/memcontrol-v1.c (6.12), mm/memcontrol.c (6.1)"),
    ("missing", "mm/memory.c", "wp_can_reuse_anon_folio",
     "\tVM_WARN_ON_ONCE(!folio);",
     "function 6.1 has nowhere"),
    ("lacking-api", "mm/memory.c", "do_wp_page",
     "\tVM_WARN_ON_ONCE(folio_likely_mapped_shared(page_folio(vmf->page)));",
     "added line calls an API 6.1 lacks"),
)


@dataclass(frozen=True)
class Figures:
    cpu: float
    user: float
    sys: float
    wall: float
    rss_kb: int        # largest single process
    tree_rss_kb: int   # the whole process tree, sampled
    status: int


# --------------------------------------------------------------------------
# measuring


def measure(cmd: list[str], cwd: Path, env: dict | None = None) -> Figures:
    """One run of ``cmd`` under GNU time, its process tree sampled meanwhile."""
    with tempfile.TemporaryDirectory(prefix="speed-") as tmp:
        stats = Path(tmp) / "time"
        wrapped = ["/usr/bin/time", "-q", "-f", "%U %S %M", "-o", str(stats), *cmd]
        start = time.perf_counter()
        with open(Path(tmp) / "err", "wb") as err:
            proc = subprocess.Popen(wrapped, cwd=cwd, env=env, stdin=subprocess.DEVNULL,
                                    stdout=subprocess.DEVNULL, stderr=err)
            sampler = TreeSampler(proc.pid)
            sampler.start()
            status = proc.wait()
            wall = time.perf_counter() - start
            sampler.stop()
        user, sys_, rss = stats.read_text().split()[-3:]
        if status not in (0, 1):
            sys.stderr.write((Path(tmp) / "err").read_text(errors="replace")[-2000:])
    return Figures(float(user) + float(sys_), float(user), float(sys_), wall, int(rss),
                   sampler.peak_kb, status)


class TreeSampler(threading.Thread):
    """The peak of the summed resident memory of a process and its descendants."""

    def __init__(self, root: int, every: float = 0.01):
        super().__init__(daemon=True)
        self.root, self.every, self.peak_kb = root, every, 0
        self._done = threading.Event()
        self._page_kb = os.sysconf("SC_PAGE_SIZE") // 1024

    def run(self) -> None:
        while not self._done.is_set():
            self.peak_kb = max(self.peak_kb, self._tree_kb())
            self._done.wait(self.every)

    def stop(self) -> None:
        self._done.set()
        self.join()

    def _tree_kb(self) -> int:
        parents: dict[int, int] = {}
        for entry in os.listdir("/proc"):
            if entry.isdigit():
                try:
                    stat = Path(f"/proc/{entry}/stat").read_text()
                except OSError:
                    continue
                parents[int(entry)] = int(stat.rsplit(")", 1)[1].split()[1])
        tree, todo = set(), [self.root]
        while todo:
            pid = todo.pop()
            tree.add(pid)
            todo.extend(p for p, pp in parents.items() if pp == pid and p not in tree)
        total = 0
        for pid in tree:
            try:
                total += int(Path(f"/proc/{pid}/statm").read_text().split()[1]) * self._page_kb
            except (OSError, IndexError, ValueError):
                pass
        return total


def median_of(runs: list[Figures]) -> Figures:
    def med(key):
        return statistics.median(getattr(r, key) for r in runs)
    return Figures(med("cpu"), med("user"), med("sys"), med("wall"), int(med("rss_kb")),
                   int(med("tree_rss_kb")), max(r.status for r in runs))


def repeat(cmd: list[str], cwd: Path, runs: int, env: dict | None = None, warmup: int = 1) -> Figures:
    for _ in range(warmup):  # page cache, pyc files
        measure(cmd, cwd, env)
    return median_of([measure(cmd, cwd, env) for _ in range(runs)])


# --------------------------------------------------------------------------
# the cases


def edit_patch(repo: Path, rev: str, path: str, function: str, line: str) -> str:
    """A unified diff adding ``line`` after the opening brace of ``function`` in ``path``."""
    text = kernelrepo.read_blob(repo, rev, path)
    if text is None:
        raise SystemExit(f"bench speed: {rev}:{path} is missing from {repo}")
    before = text.decode("utf-8", "surrogateescape").splitlines(keepends=True)
    at = _body_start(before, function)
    if at is None:
        raise SystemExit(f"bench speed: no definition of {function}() in {rev}:{path}")
    after = before[:at] + [line + "\n"] + before[at:]
    diff = difflib.unified_diff(before, after, f"a/{path}", f"b/{path}", n=3)
    return f"diff --git a/{path} b/{path}\n" + "".join(diff)


def _body_start(lines: list[str], function: str) -> int | None:
    """Index of the line after the ``{`` opening ``function``'s body (column 0)."""
    for i, text in enumerate(lines):
        if function + "(" in text and text[:1].isalpha() and not text.rstrip().endswith(";"):
            for j in range(i, min(i + 12, len(lines))):
                if lines[j].startswith("{"):
                    return j + 1
                if lines[j].rstrip().endswith(";"):
                    break
    return None


def one_target_case(manifest: dict, repo: Path, root: Path) -> dict:
    """The first manifest case (by id) whose 6.12 side changes a C file of mm/, kernel/ or net/."""
    chosen = sorted((c for c in manifest["cases"] if c["path"].endswith(".c") and not c["cut"]
                     and c["path"].split("/")[0] in ("mm", "kernel", "net")), key=lambda c: c["id"])
    if not chosen:
        raise SystemExit("bench speed: the manifest holds no cases (run `python -m bench cases`)")
    case_dir = cases.materialise(manifest, chosen[0], "backport", root=root, repo=repo)
    return cases.load_case(case_dir)


def build(manifest: dict, repo: Path, work: Path) -> list[dict]:
    """name, argv (after ``backport``), what it measures; the inputs written under ``work``."""
    real = one_target_case(manifest, repo, work / "cases")
    out = [{"name": "one-target", "what": f"real fix, {real['path']} ({real['source_base']} -> {real['target']})",
            "patch": str(real["input"]), "base": real["source_base"], "to": [real["target"]]}]
    for name, path, function, line, what in EDITS:
        patch = work / f"{name}.patch"
        patch.write_text(edit_patch(repo, NEW, path, function, line))
        out.append({"name": name, "what": f"{what}: {function}() ({NEW} -> {OLD})",
                    "patch": str(patch), "base": NEW, "to": [OLD]})
    batch = [{"id": f"{c['name']}-{t}", "patch": c["patch"], "repo": str(repo), "base": c["base"],
              "to": [t]} for c in out if c["name"] in ("moved", "lacking-api") for t in OLD_TARGETS]
    out.append({"name": "batch", "what": f"{len(batch)} jobs: moved and lacking-api, each to "
                f"{', '.join(OLD_TARGETS)}", "jobs": _jobs_file(work / "jobs.jsonl", batch),
                "count": len(batch)})
    return out + seed_cases(work) + [many_files_case(work, name, n) for name, n in MANY.items()]


def many_files_case(work: Path, name: str, n: int) -> dict:
    """A repository of ``n`` small files and a patch touching every one (built when first run)."""
    return {"name": name, "what": f"a patch touching {n:,} files, one hunk each (generated repository)",
            "build": lambda: many_files_repo(work / name, n), "base": "vbase", "to": ["vtarget"]}


def many_files_repo(root: Path, n: int) -> tuple[str, str]:
    """The repository (one ``git fast-import``: no file per blob) and the patch; their paths."""
    names = [f"d{i // 100}/f{i}.c" for i in range(n)]
    repo = root / "repo"
    subprocess.run(["git", "init", "-q", "-b", "master", str(repo)], check=True)
    stream = [_import_commit(1, "vbase", [(p, FUNC.format(i=i)) for i, p in enumerate(names)]),
              _import_commit(2, "vtarget", [(p, "/* t */\n" + FUNC.format(i=i)) for i, p in enumerate(names)], parent=1)]
    subprocess.run(["git", "-C", str(repo), "fast-import", "--quiet"], input="".join(stream).encode(), check=True)
    patch = root / "fix.patch"
    patch.write_text("".join(f"diff --git a/{p} b/{p}\n--- a/{p}\n+++ b/{p}\n@@ -7,2 +7,3 @@ int f{i}(int v)\n"
                             f" \ty = y * 2;\n+\ty -= 1;\n \treturn y;\n" for i, p in enumerate(names)))
    return str(repo), str(patch)


def _import_commit(mark: int, tag: str, files: list[tuple[str, str]], parent: int | None = None) -> str:
    out = [f"commit refs/heads/master\nmark :{mark}\ncommitter bench <bench@example.org> 0 +0000\ndata 0\n"]
    out += [f"from :{parent}\n"] if parent else []
    out += [f"M 100644 inline {path}\ndata {len(text.encode())}\n{text}\n" for path, text in files]
    return "".join(out) + f"\nreset refs/tags/{tag}\nfrom :{mark}\n\n"


def seed_cases(work: Path) -> list[dict]:
    """The seed patch on the demo trees: one port, and every later tree 4 times as batch jobs."""
    from backport.demo import build_repo, data_root
    demo = work / "demo"
    tags = build_repo(data_root(), demo)
    seed = str(data_root() / "patches" / "0001-mm-disable-preemption-before-swapcache_free.mail")
    jobs = [{"id": f"seed-{i}-{t}", "patch": seed, "repo": str(demo), "base": tags[0], "to": [t]}
            for i in range(4) for t in tags[1:]]
    return [{"name": "seed", "what": f"seed patch, demo trees ({tags[0]} -> v4.19)", "patch": seed,
             "base": tags[0], "to": ["v4.19"], "repo": str(demo)},
            {"name": "seed-batch", "what": f"{len(jobs)} jobs: the seed to {len(tags) - 1} demo trees, 4 times",
             "jobs": _jobs_file(work / "seed-jobs.jsonl", jobs), "count": len(jobs)}]


def _jobs_file(path: Path, jobs: list[dict]) -> str:
    path.write_text("".join(json.dumps(j) + "\n" for j in jobs))
    return str(path)


def argv(case: dict, repo: Path, out: Path, jobs: int | None) -> list[str]:
    if "jobs" in case:
        extra = ["--jobs", str(jobs)] if jobs else []
        return ["batch", case["jobs"], "-o", str(out), "--force", *extra]
    targets = [x for t in case["to"] for x in ("--to", t)]
    return ["port", case["patch"], "--repo", case.get("repo", str(repo)), "--base", case["base"], *targets,
            "-o", str(out), "--force", "--no-color", "--json", str(out) + ".json"]


def verdicts(out: Path) -> str:
    """The per-hunk verdicts of a port's JSON report, or a batch's statuses."""
    if (out / "batch.json").exists():
        jobs = json.loads((out / "batch.json").read_text())["jobs"]
        counts: dict[str, int] = {}
        for j in jobs:
            counts[j["status"]] = counts.get(j["status"], 0) + 1
        return ", ".join(f"{n} {s}" for s, n in sorted(counts.items()))
    if not Path(str(out) + ".json").exists():
        return "no report"
    report = json.loads(Path(str(out) + ".json").read_text())
    patches = report.get("patches", [report])
    found = [h["verdict"] for p in patches for t in p["targets"] for h in t["hunks"]]
    if len(found) <= 12:
        return ", ".join(found)
    return ", ".join(f"{found.count(v)} {v}" for v in dict.fromkeys(found))  # thousands of hunks: counted


# --------------------------------------------------------------------------
# running and reporting


def backport_cmd(src: str | None) -> tuple[list[str], dict]:
    """How to start backport: the tree given (an exported snapshot, for before/after), or this one."""
    root = Path(src).resolve() if src else Path(__file__).resolve().parent.parent
    env = dict(os.environ, PYTHONPATH=str(root))
    return [sys.executable, "-c", "import sys; from backport.cli import main; sys.exit(main())"], env


def speed(runs: int = 3, src: str | None = None, jobs: int | None = None, only: list[str] | None = None,
          warmup: int = 1, log=print) -> dict:
    repo = config.repo_dir()
    missing = [t for t in (NEW, *OLD_TARGETS) if not kernelrepo.has_ref(repo, t)]
    if missing:
        raise SystemExit(f"bench speed: {repo} lacks {', '.join(missing)} (run `python -m bench fetch`)")
    command, env = backport_cmd(src)
    rows = []
    with tempfile.TemporaryDirectory(prefix="bench-speed-") as tmp:
        work = Path(tmp)
        floor = repeat(FLOOR, work, runs, warmup=warmup)
        log(f"import floor: {floor.cpu:.3f} s CPU")
        for case in build(config.load_manifest(), repo, work):
            if (only and case["name"] not in only) or (not only and case["name"] in OPTIONAL):
                continue
            if "build" in case:
                case["repo"], case["patch"] = case.pop("build")()
            out = work / f"out-{case['name']}"
            figures = repeat(command + argv(case, repo, out, jobs), work, runs, env, warmup)
            rows.append({**{k: case[k] for k in ("name", "what")}, "count": case.get("count", 1),
                         "figures": figures.__dict__, "verdicts": verdicts(out)})
            log(f"{case['name']}: {figures.cpu:.3f} s CPU, {figures.wall:.3f} s wall, "
                f"{figures.rss_kb // 1024} MB / {figures.tree_rss_kb // 1024} MB; {rows[-1]['verdicts']}")
    return {"when": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
            "machine": f"{os.cpu_count()} cores, {platform.platform()}, Python {platform.python_version()}",
            "commit": _commit(src), "runs": runs, "warmup": warmup, "jobs": jobs, "floor": floor.__dict__, "rows": rows}


def _commit(src: str | None) -> str:
    if src:
        stamp = Path(src) / "COMMIT"  # written by whoever exported the snapshot
        return f"commit {stamp.read_text().strip()} (snapshot)" if stamp.exists() else f"snapshot {src}"
    run = subprocess.run(["git", "-C", str(Path(__file__).resolve().parent.parent), "describe",
                          "--always", "--dirty"], capture_output=True, text=True)
    return run.stdout.strip() or "unknown"


def render(results: dict) -> str:
    floor = results["floor"]
    lines = ["# Speed on a full kernel tree", "",
             f"Generated by `python -m bench speed` on {results['when']} ({results['machine']}); "
             f"backport at {results['commit']}; median of {results['runs']} run(s) after {results.get('warmup', 1)} warm-up run(s).", "",
             "CPU is user + system seconds of the whole process tree (every git process included); "
             "\"x floor\" divides it by the CPU of merely importing the dependencies "
             f"(`python3 -c '{FLOOR[2]}'`) measured in the same run: {floor['cpu']:.3f} s CPU, "
             f"{floor['wall']:.3f} s wall, {floor['rss_kb'] // 1024} MB. Peak memory: the largest single "
             "process, and the whole process tree's resident memory sampled every 10 ms.", "",
             "| case | what | CPU s | x floor | wall s | peak MB (largest process) | peak MB (tree) | verdicts |",
             "|---|---|---|---|---|---|---|---|"]
    for row in results["rows"]:
        f = row["figures"]
        lines.append(f"| {row['name']} | {row['what']} | {f['cpu']:.3f} | {f['cpu'] / floor['cpu']:.1f} | "
                     f"{f['wall']:.3f} | {f['rss_kb'] // 1024} | {f['tree_rss_kb'] // 1024} | {row['verdicts']} |")
    rows = {r["name"]: r for r in results["rows"]}
    lines.append("")
    for name, single in (("batch", ("moved", "lacking-api")), ("seed-batch", ("seed",))):
        if name in rows:
            f, n = rows[name]["figures"], rows[name]["count"]
            singles = [rows[s]["figures"]["cpu"] for s in single if s in rows]
            lines.append(f"{name}: {n} jobs, {f['cpu'] / n:.3f} s CPU per job"
                         + (f" ({f['cpu'] / n / statistics.mean(singles):.2f} of a single port of the same patches)"
                            if singles else "")
                         + f", {n / f['wall']:.2f} jobs/s wall"
                         + (f" with --jobs {results['jobs']}" if results.get("jobs") else " (default --jobs)") + ".")
    for name, bound in (("files-10k", "seconds"), ("files-100k", "under two minutes")):
        if name in rows:
            f = rows[name]["figures"]
            lines.append(f"{name} (issue 9: {bound}): {f['cpu']:.1f} s CPU, {f['wall']:.1f} s wall, "
                         f"{f['rss_kb'] // 1024} MB in the largest process.")
    return "\n".join(lines) + "\n"
