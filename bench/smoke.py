"""`python -m bench smoke`: the whole harness on tiny trees, offline, in seconds.

Two base trees (the project's demo kernels, kernels/demo/<version>/, when they
are there; two small generated trees otherwise) become two branches of a
scratch repository.  The same made-up fix is written into both, the same way a
stable maintainer would, and then the harness runs for real: it pairs the
changes, materialises the cases in both directions, runs every tool and
renders the report.
"""
from __future__ import annotations

import tempfile
from pathlib import Path

from . import cases, config, kernelrepo, report, run, tools

DEMO = Path(__file__).resolve().parent.parent / "kernels" / "demo"
FIX_LINES = ["\t/* bench smoke: the same fix on both branches */",
             "\tbarrier();"]


def demo_trees() -> tuple[Path, Path] | None:
    """The oldest and the newest demo kernel, when the demo trees exist."""
    if not DEMO.is_dir():
        return None
    versions = sorted((d for d in DEMO.iterdir() if d.is_dir()),
                      key=lambda d: tuple(int(x) for x in d.name.split(".") if x.isdigit()))
    return (versions[0], versions[-1]) if len(versions) >= 2 else None


def tiny_trees(root: Path) -> tuple[Path, Path]:
    """Two small trees of one C file; the newer one has moved on around the fix."""
    body = ["#include <linux/kernel.h>", "", "static int counter;", ""]
    for name in ("alpha", "beta", "gamma", "delta"):
        body += [f"int {name}_step(int value)", "{", f"\tint {name}_local = value * 2;", "",
                 f"\tcounter += {name}_local;", f"\tif ({name}_local > 64)",
                 "\t\treturn -EINVAL;", f"\treturn {name}_local;", "}", ""]
    old, new = root / "tiny-old", root / "tiny-new"
    write_tree(old, {"lib/step.c": "\n".join(body) + "\n"})
    newer = ["/* SPDX-License-Identifier: GPL-2.0 */", "/* grown header */", ""] + body
    newer = [ln.replace("\tcounter += beta_local;", "\tcounter += beta_local; /* moved on */")
             for ln in newer]
    write_tree(new, {"lib/step.c": "\n".join(newer) + "\n"})
    return old, new


def write_tree(root: Path, files: dict[str, str]) -> None:
    for path, text in files.items():
        (root / path).parent.mkdir(parents=True, exist_ok=True)
        (root / path).write_text(text)


def read_tree(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes()
            for p in sorted(root.rglob("*")) if p.is_file() and p.suffix in (".c", ".h")}


def anchors(text: str) -> list[int]:
    """Indices of statement lines inside functions that are unique in the file."""
    lines = text.split("\n")
    counts = {}
    for ln in lines:
        counts[ln] = counts.get(ln, 0) + 1
    return [i for i, ln in enumerate(lines)
            if ln.startswith("\t") and ln.rstrip().endswith(";") and counts[ln] == 1
            and len(ln.strip()) > 12 and not ln.lstrip().startswith(("return", "goto", "break"))]


def apply_fix(old: str, new: str) -> tuple[str, str] | None:
    """Write the same fix into both versions of a file, after two common anchors."""
    common = [ln for ln in (old.split("\n")[i] for i in anchors(old))
              if ln in set(new.split("\n")[i] for i in anchors(new))]
    if len(common) < 2:
        return None
    picks = [common[len(common) // 3], common[2 * len(common) // 3]]
    return insert_after(old, picks), insert_after(new, picks)


def insert_after(text: str, picks: list[str]) -> str:
    out = []
    for line in text.split("\n"):
        out.append(line)
        if line in picks:
            out += FIX_LINES
    return "\n".join(out)


def build_repo(repo: Path, old_tree: Path, new_tree: Path) -> dict:
    """Import both trees, before and after the fix; return the smoke manifest."""
    kernelrepo.ensure_repo(repo)
    before = {"old": read_tree(old_tree), "new": read_tree(new_tree)}
    after = {side: dict(files) for side, files in before.items()}
    for path in sorted(before["old"].keys() & before["new"].keys()):
        fixed = apply_fix(before["old"][path].decode("utf-8", "surrogateescape"),
                          before["new"][path].decode("utf-8", "surrogateescape"))
        if fixed:
            after["old"][path], after["new"][path] = (t.encode("utf-8", "surrogateescape")
                                                      for t in fixed)
    tags = {"old": ("v1.0", "v1.1"), "new": ("v2.0", "v2.1")}
    for side in ("old", "new"):
        for tag, files in zip(tags[side], (before[side], after[side])):
            kernelrepo.import_tree(repo, f"smoke-{side}", tag,
                                   ((p, 0o100644, b) for p, b in sorted(files.items())),
                                   f"smoke {tag}\n")
    manifest = config.load_manifest()
    return {"branches": {"old": {"package": "smoke", "git_branch": "smoke-old", "versions": list(tags["old"])},
                         "new": {"package": "smoke", "git_branch": "smoke-new", "versions": list(tags["new"])}},
            "windows": [{"name": "smoke", "newer": list(tags["new"]), "older": list(tags["old"])}],
            "selection": manifest["selection"], "cases": []}


def smoke(log=print) -> dict:
    """Run the harness end to end on tiny trees; returns the results."""
    with tempfile.TemporaryDirectory(prefix="bench-smoke-") as tmp:
        tmp = Path(tmp)
        trees = demo_trees() or tiny_trees(tmp)
        log(f"smoke trees: {trees[0]} and {trees[1]}")
        repo = tmp / "linux.git"
        manifest = build_repo(repo, *trees)
        manifest["cases"] = cases.find_cases(manifest, repo=repo,
                                             subjects=lambda m, w: ["smoke: the same fix on both branches"],
                                             log=log)
        if not manifest["cases"]:
            raise SystemExit("smoke: no case found: the pairing is broken")
        results = run.run(manifest, repo, case_root=tmp / "cases", names=list(tools.TOOLS),
                          measure_startup=False, log=log)
        results["markdown"] = report.render(results, title="Smoke results")
        return results


def check(results: dict) -> list[str]:
    """What is wrong with a smoke run (empty when it is sound)."""
    problems = []
    for entry in results["cases"]:
        for name, record in entry["tools"].items():
            if record["status"] is None and not record.get("note", "").startswith(
                    ("not installed", "not available")):
                problems.append(f"{entry['id']} {entry['direction']}: {name} did not run")
        if not any(r["l1"] for r in entry["tools"].values()):
            problems.append(f"{entry['id']} {entry['direction']}: no tool got a fix written "
                            f"identically on both branches")
    if not results["cases"]:
        problems.append("no case ran")
    return problems
