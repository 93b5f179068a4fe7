"""Point a release's ``action.yml`` at the image its release workflow pushed, by digest.

    python tools/release_action_yml.py ghcr.io/OWNER/NAME@sha256:HEX

On main, ``action.yml`` runs ``image: Dockerfile``: GitHub builds the image in every
job. The release workflow (``.github/workflows/release.yml``) builds it once for
linux/amd64 and linux/arm64, pushes it to GHCR, and commits an ``action.yml`` whose
``runs.image`` is ``docker://`` that image's index digest, which the runner pulls for
the job's architecture instead of building. Only that line changes; a digest is
immutable, a tag is not. Exit code 2, with a message, for anything else.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ACTION_YML = ROOT / "action.yml"
BUILT_HERE = "  image: Dockerfile\n"
REFERENCE = re.compile(r"ghcr\.io/[a-z0-9][a-z0-9._/-]*@sha256:[0-9a-f]{64}")


class ReleaseError(Exception):
    """What is wrong with the reference or with action.yml, and what to do."""


def released(action_yml: str, reference: str) -> str:
    """``action_yml`` with ``runs.image`` set to ``docker://reference``."""
    if not REFERENCE.fullmatch(reference):
        raise ReleaseError(
            f"{reference!r} is not an image on ghcr.io pinned by digest "
            "(ghcr.io/OWNER/NAME@sha256: and 64 hex digits)"
        )
    if action_yml.count(BUILT_HERE) != 1 or not action_yml.endswith(BUILT_HERE):
        raise ReleaseError(
            f"action.yml does not end with runs.image {BUILT_HERE.strip()!r}: "
            "release from a commit of main, where the image is built from the Dockerfile"
        )
    return action_yml.replace(BUILT_HERE, f"  image: docker://{reference}\n")


def main(argv: list[str]) -> int:
    """Rewrite action.yml in place; 2 with a message when it cannot be done."""
    if len(argv) != 1:
        print(__doc__, file=sys.stderr)
        return 2
    try:
        text = released(ACTION_YML.read_text(encoding="utf-8"), argv[0])
    except ReleaseError as exc:
        print(f"release_action_yml: {exc}", file=sys.stderr)
        return 2
    ACTION_YML.write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
