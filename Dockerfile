# The action's image. GitHub builds it from this file in every job that uses the action
# (`runs.image` in action.yml), so it is kept small and quick to build: one slim base,
# the pinned runtime dependencies as wheels in one layer, then our code.
#
# No USER line: GitHub runs docker actions as root, with the workspace mounted at
# /github/workspace (the working directory it sets); another user could not write the
# step summary and output files it mounts.
FROM python:3.12-slim-bookworm

# The container lives for one step: writing .pyc files at run time only costs time
# (ours are compiled below, at build time). Unbuffered, so our log lines and workflow
# commands reach the runner in the order they were printed (the entry point passes
# -u too, as it ignores PYTHON* variables at run time).
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1

# Exact versions with their sha256, wheels only (no compiler is needed), and only what
# a publish imports: requirements/image.txt is requirements/main.txt less twine's
# keyring and the like (tools/image_requirements.py), hence --no-deps. No pip cache.
COPY requirements/image.txt /app/requirements.txt
RUN python -m pip install --no-cache-dir --require-hashes --only-binary=:all: --no-deps \
        --disable-pip-version-check --root-user-action=ignore \
        -r /app/requirements.txt

COPY entrypoint.py /app/
COPY publisher /app/publisher
RUN python -m compileall -q /app

# -E: the workflow's PYTHONPATH (say `src`) and other PYTHON* variables reach this
# process and could swap the modules a publish imports; -s: no user site-packages (a
# step before may have written to /github/home); -u stands for PYTHONUNBUFFERED, which
# -E ignores. The absolute path: a workflow's PATH cannot pick another python.
ENTRYPOINT ["/usr/local/bin/python", "-E", "-s", "-u", "/app/entrypoint.py"]
