# The two Quick start commands: `make demo` and `make test` (see README.md).
# Both set up .venv from the pinned requirements on first use.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin

.PHONY: demo test lint lint-action container clean bench

$(BIN)/publisher: pyproject.toml requirements/dev.txt
	$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11) and "Python 3.11 or newer is needed")'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --require-hashes -r requirements/dev.txt
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --no-deps --no-build-isolation -e .
	touch $@

demo: $(BIN)/publisher
	$(BIN)/python tools/demo.py

lint: $(BIN)/publisher
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/python tools/import_cycles.py

test: lint
	$(BIN)/pytest -q -n auto --dist loadfile

# The action's packaging (issue 6): action.yml and the workflows against GitHub's
# schemas (vendored in check-jsonschema, so offline), zizmor's audit of both (offline),
# hadolint on the Dockerfile, and mypy on the CI helpers (ruff already checks them).
lint-action: $(BIN)/publisher
	$(BIN)/check-jsonschema --builtin-schema vendor.github-actions action.yml
	$(BIN)/check-jsonschema --builtin-schema vendor.github-workflows .github/workflows/*.yml
	$(BIN)/zizmor --offline action.yml .github/workflows/  # not tests/data: fixtures of bad workflows
	$(BIN)/hadolint Dockerfile
	$(BIN)/mypy --strict .ci/*.py

# Build the image and run it as GitHub does, without a Docker daemon (root; buildah,
# Debian packages it installs itself). See .ci/container.
container:
	bash .ci/container

# Benchmarks against twine and uv on this machine (issue 7); not part of `make test`.
# uv comes from benchmarks/requirements.txt, in a venv of its own.
bench: $(BIN)/publisher
	test -x benchmarks/.venv/bin/python || $(PYTHON) -m venv benchmarks/.venv
	benchmarks/.venv/bin/python -m pip install --quiet --disable-pip-version-check --require-hashes -r benchmarks/requirements.txt
	$(BIN)/python benchmarks/bench.py

clean:
	rm -rf $(VENV) .mypy_cache .ruff_cache .pytest_cache
