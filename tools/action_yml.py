"""Write the ``inputs:`` of ``action.yml`` from the declarations the package ships
(``publisher.inputs.INPUTS``, the one source of the defaults).

    python tools/action_yml.py          # rewrite action.yml
    python tools/action_yml.py --check  # exit 1 if action.yml is not up to date
"""

from __future__ import annotations

import json
import sys
import textwrap
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ACTION_YML = ROOT / "action.yml"
sys.path.insert(0, str(ROOT))

from generated import write_or_check

from publisher.inputs import INPUTS


def _scalar(text: str) -> str:
    # JSON strings are valid YAML double-quoted scalars: no escaping rules of our own.
    return json.dumps(text)


def inputs_block() -> str:
    """The ``inputs:`` mapping of action.yml, as YAML text."""
    lines = ["inputs:"]
    for spec in INPUTS:
        lines.append(f"  {spec.name}:")
        description = spec.description
        if spec.alias:
            description += (
                f" Default: {spec.default} (declared on {spec.alias}, as "
                "pypa/gh-action-pypi-publish does, so that a value written here wins)."
            )
        wrapped = textwrap.wrap(description, 76, break_on_hyphens=False)
        lines.append("    description: >-")
        lines.extend(f"      {line}" for line in wrapped)
        lines.append("    required: false")
        lines.append(f"    default: {_scalar(spec.declared_default)}")
    for spec in INPUTS:
        if spec.alias:
            # Declared so that the anchor's workflows get no "Unexpected input" warning,
            # and holding the default, as the anchor declares them: a value written
            # under the new spelling then always wins (publisher.inputs.UNSET).
            lines.append(f"  {spec.alias}:")
            lines.append(f"    description: {_scalar(f'[DEPRECATED] Use {spec.name}.')}")
            lines.append("    required: false")
            lines.append(f"    default: {_scalar(spec.default)}")
            message = f"Spelled {spec.name} since pypa/gh-action-pypi-publish v1.8; use that."
            lines.append(f"    deprecationMessage: {_scalar(message)}")
    return "\n".join(lines) + "\n"


def generated(current: str) -> str:
    """``current`` (action.yml's text) with its inputs block replaced."""
    start = current.index("inputs:\n")
    end = current.index("outputs:\n", start)
    return current[:start] + inputs_block() + current[end:]


def main(argv: list[str]) -> int:
    """Rewrite action.yml, or with ``--check`` say whether it is up to date."""
    current = ACTION_YML.read_text(encoding="utf-8")
    return write_or_check(ACTION_YML, generated(current), argv, "python tools/action_yml.py")


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
