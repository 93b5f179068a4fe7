"""Run ``publisher check`` (workflows alone) on every checkout of a corpus folder and
print what it said, one block per repository, for hand-judging (docs/check-corpus.md).

A corpus folder holds one folder per repository, ``<owner>+<repo>/``, each with its
``.github/`` (and ``action.yml``), a git ``origin`` remote naming the repository on
GitHub, and the commit it was taken from in ``.corpus-commit``. It is not committed.

    python tools/check_corpus.py /work/corpus-workflows [--json out.json]
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from pathlib import Path

SHOWN = ("notice", "warning", "error")


def check(repo: Path) -> tuple[int, list[dict[str, object]], float]:
    """Exit code, findings and seconds of ``publisher check --format json`` there."""
    started = time.monotonic()
    proc = subprocess.run(
        [sys.executable, "-m", "publisher", "check", "--format", "json"],
        cwd=repo,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    elapsed = time.monotonic() - started
    try:
        checks = json.loads(proc.stdout)["checks"]
    except (ValueError, KeyError):
        checks = [{"status": "error", "key": "no-report", "check": proc.stderr[-500:]}]
    return proc.returncode, checks, elapsed


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("corpus", type=Path)
    parser.add_argument("--json", type=Path, help="write every finding to this file")
    parser.add_argument("--all", action="store_true", help="show ok findings too")
    args = parser.parse_args()
    everything = {}
    totals = {s: 0 for s in SHOWN}
    for repo in sorted(p for p in args.corpus.iterdir() if p.is_dir()):
        code, checks, elapsed = check(repo)
        commit_file = repo / ".corpus-commit"
        commit = commit_file.read_text().strip()[:12] if commit_file.exists() else "?"
        print(f"== {repo.name} @ {commit}: exit {code} in {elapsed:.2f} s")
        for c in checks:
            status = str(c["status"])
            if status in totals:
                totals[status] += 1
            if status in SHOWN or args.all:
                where = c.get("location")
                at = f" [{where['file']}:{where['line']}]" if isinstance(where, dict) else ""
                print(f"   {status:<8}{c['key']}: {c['check']}{at}")
        everything[repo.name] = {"commit": commit, "exit": code, "checks": checks}
    print("totals:", ", ".join(f"{n} {s}" for s, n in totals.items()))
    if args.json:
        args.json.write_text(json.dumps(everything, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
