"""The action's inputs: read from the environment GitHub gives a docker action, with
the defaults taken from ``action.yml`` (the one source of truth for them)."""

from __future__ import annotations

import functools
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from publisher.errors import InputError
from publisher.secret import Secret

ACTION_YML = Path(__file__).resolve().parent.parent / "action.yml"

_TRUE = {"true", "yes", "1", "on"}
_FALSE = {"false", "no", "0", "off"}


@dataclass(frozen=True)
class Config:
    """Everything one run needs to know from its caller."""

    repository_url: str
    packages_dir: Path
    user: str
    password: Secret
    skip_existing: bool
    verify_metadata: bool
    print_hash: bool
    verbose: bool
    dry_run: bool


@functools.cache
def action_defaults() -> dict[str, str]:
    """The ``default`` of every input declared in ``action.yml``."""
    import yaml  # lazy: only needed when an input is absent

    try:
        data = yaml.safe_load(ACTION_YML.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise InputError("action-yml-unreadable", path=ACTION_YML, reason=exc) from None
    return {name: str(spec.get("default", "")) for name, spec in data["inputs"].items()}


def raw_input(env: Mapping[str, str], name: str) -> str:
    """An input's value as GitHub passes it (``INPUT_REPOSITORY-URL``; the underscore
    form is accepted too), trimmed like the toolkit does; the default when absent or empty."""
    hyphen = f"INPUT_{name.upper()}"
    underscore = hyphen.replace("-", "_")
    first, second = env.get(hyphen, "").strip(), env.get(underscore, "").strip()
    if first and second and first != second and hyphen != underscore:
        raise InputError(
            "input-conflict",
            name=name,
            hyphen=hyphen,
            underscore=underscore,
            first=first,
            second=second,
        )
    return first or second or action_defaults().get(name, "")


def parse_bool(name: str, value: str) -> bool:
    """``true/false/yes/no/on/off/1/0`` in any case; anything else is an :class:`InputError`."""
    lowered = value.strip().lower()
    if lowered in _TRUE:
        return True
    if lowered in _FALSE:
        return False
    raise InputError("input-not-bool", name=name, value=value)


def read_config(env: Mapping[str, str], cwd: Path | None = None) -> Config:
    """Build the run's :class:`Config` from ``INPUT_*`` variables."""
    base = cwd or Path.cwd()
    url = raw_input(env, "repository-url")
    if not url.endswith("/"):
        # Warehouse answers /legacy with a redirect, which twine refuses to follow.
        url += "/"
    return Config(
        repository_url=url,
        packages_dir=base / raw_input(env, "packages-dir"),
        user=raw_input(env, "user"),
        # Given but empty means "no password" (trusted publishing): no defaults needed.
        password=Secret(
            env["INPUT_PASSWORD"].strip() if "INPUT_PASSWORD" in env else raw_input(env, "password")
        ),
        skip_existing=parse_bool("skip-existing", raw_input(env, "skip-existing")),
        verify_metadata=parse_bool("verify-metadata", raw_input(env, "verify-metadata")),
        print_hash=parse_bool("print-hash", raw_input(env, "print-hash")),
        verbose=parse_bool("verbose", raw_input(env, "verbose")),
        dry_run=parse_bool("dry-run", raw_input(env, "dry-run")),
    )
