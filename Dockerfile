# The action's image. GitHub builds it from this file in every job that uses the action
# from a branch or a commit (`runs.image` in action.yml; a release runs the image its
# release workflow pushed instead, docs/releasing.md), so it is quick to build: one
# slim base, one COPY, one RUN. docs/container.md has the build times and sizes.
#
# No USER line: GitHub runs docker actions as root, with the workspace mounted at
# /github/workspace (the working directory it sets); another user could not write the
# step summary and output files it mounts.
FROM python:3.12-slim-bookworm

# The container lives for one step: writing .pyc files at run time only costs time
# (what a run imports is compiled below, at build time). Unbuffered, so our log lines
# and workflow commands reach the runner in the order they were printed (the entry
# point passes -u too, as it ignores PYTHON* variables at run time).
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1

# What .dockerignore lets through: entrypoint.py, publisher/, requirements/image.txt.
COPY . /app/

# uv installs the hashed lock: exact versions with their sha256, wheels only (no
# compiler is needed), only what a publish imports (requirements/image.txt is
# requirements/main.txt less twine's keyring and the like, written by
# tools/image_requirements.py, hence --no-deps), downloads in parallel, no cache left
# behind. uv itself is only mounted for this step (its image, pinned to the version of
# requirements/dev.txt), never part of ours. Then bytecode for what a run imports only:
# every module of ours, and the libraries it imports lazily (inside functions), with
# all they import in turn; not the files a run never loads (most of pygments' lexers,
# docutils' languages...). tests/test_packaging.py checks the list below against the
# imports in publisher/.
RUN --mount=from=ghcr.io/astral-sh/uv:0.13.9,source=/uv,target=/usr/local/bin/uv \
    uv pip install --python /usr/local/bin/python --no-cache --require-hashes \
        --only-binary=:all: --no-deps -r /app/requirements/image.txt \
    && PYTHONDONTWRITEBYTECODE='' PYTHONPATH=/app python -c "\
import importlib, pkgutil, publisher; \
[importlib.import_module(m.name) for m in pkgutil.walk_packages(publisher.__path__, 'publisher.')\
 if m.name != 'publisher.__main__']; \
import cryptography.hazmat.backends.openssl, cryptography.x509, email_validator, \
    packaging.metadata, packaging.requirements, \
    packaging.utils, packaging.version, pydantic, pypi_attestations, readme_renderer.rst, \
    requests.adapters, requests.auth, requests_toolbelt, rfc3986, sigstore.errors, \
    sigstore.models, sigstore.oidc, sigstore.sign, sigstore.verify, trove_classifiers, \
    twine.package, urllib3.connection, urllib3.connectionpool, urllib3.exceptions, urllib3.util"

# -E: the workflow's PYTHONPATH (say `src`) and other PYTHON* variables reach this
# process and could swap the modules a publish imports; -s: no user site-packages (a
# step before may have written to /github/home); -u stands for PYTHONUNBUFFERED, which
# -E ignores. The absolute path: a workflow's PATH cannot pick another python.
ENTRYPOINT ["/usr/local/bin/python", "-E", "-s", "-u", "/app/entrypoint.py"]
