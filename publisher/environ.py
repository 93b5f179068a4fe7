"""What of the job's environment the publish runs with.

GitHub starts the container with the whole step environment: the workflow's, the
job's and the step's ``env:``, what earlier steps wrote to ``$GITHUB_ENV`` (GitHub
refuses only ``NODE_OPTIONS`` there), then its own variables. The image's
``python -E -s`` ignores the interpreter's own variables (``PYTHON*``) and the user
site-packages; the dynamic loader, glibc and OpenSSL read others, which load other
code into the process (``LD_PRELOAD``, ``LD_LIBRARY_PATH``, ``GCONV_PATH``,
``OPENSSL_CONF``) or change how it resolves names. The container's entry point starts
the interpreter again without them (:func:`restart_without`), so the process that
publishes never loads what they name. The first start has already loaded a library
``LD_PRELOAD`` names, and run its code: that cannot be undone from inside, and is
said so in docs/security.md."""

from __future__ import annotations

import os
import sys
from collections.abc import Iterable, Mapping

# glibc's own list of the variables it drops for a privileged program
# (sysdeps/generic/unsecvars.h, UNSECURE_ENVVARS), with every other LD_ and MALLOC_
# variable (the loader's and the allocator's), and OpenSSL's configuration and
# module paths (a configuration can load an engine or a provider: code).
_NAMES = frozenset(
    {
        "GCONV_PATH",
        "GETCONF_DIR",
        "GLIBC_TUNABLES",
        "HOSTALIASES",
        "LOCALDOMAIN",
        "LOCPATH",
        "NIS_PATH",
        "NLSPATH",
        "RESOLV_HOST_CONF",
        "RES_OPTIONS",
        "TMPDIR",
        "TZDIR",
        "OPENSSL_CONF",
        "OPENSSL_ENGINES",
        "OPENSSL_MODULES",
    }
)
_PREFIXES = ("LD_", "MALLOC_")
# How the restarted process learns what was dropped (to say so in the log).
DROPPED_OPTION = "--dropped-from-environment"


def unsafe(env: Mapping[str, str]) -> list[str]:
    """The variables of ``env`` the publish does not run with, sorted."""
    return sorted(name for name in env if name in _NAMES or name.startswith(_PREFIXES))


def restart_without(names: Iterable[str]) -> None:
    """Start this interpreter again, as it was started (its options and script), in
    this process, without the variables ``names``; each is named to the new start
    with ``DROPPED_OPTION``. Returns only if the start fails (then the run goes on as
    it is)."""
    dropped = set(names)
    env = {name: value for name, value in os.environ.items() if name not in dropped}
    told = [part for name in sorted(dropped) for part in (DROPPED_OPTION, name)]
    try:
        os.execve(sys.executable, [*sys.orig_argv, *told], env)  # noqa: S606 - ourselves again
    except OSError:
        return
