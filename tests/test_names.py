"""Name and file-name normalization, property-based, against ``packaging``: our checks
and the local index must agree with the library the index itself uses."""

from __future__ import annotations

import re
import tempfile
from pathlib import Path

import pytest
from conftest import make_wheel, metadata_text
from fakes.index import normalize
from hypothesis import given, settings
from hypothesis import strategies as st
from packaging.utils import canonicalize_name

from publisher.dists import load_dist
from publisher.errors import DistError

NAMES = st.from_regex(r"\A[A-Za-z0-9]([A-Za-z0-9._-]{0,20}[A-Za-z0-9])?\Z")
VERSIONS = st.sampled_from(["1.0", "0.1.2", "2.0.0rc1", "1!3.0", "1.0.post2", "4.1.dev3"])


@given(NAMES)
def test_local_index_normalizes_like_packaging(name: str) -> None:
    assert normalize(name) == canonicalize_name(name)


@settings(max_examples=60, deadline=None)
@given(NAMES, VERSIONS)
def test_a_wheel_named_from_its_metadata_is_accepted(name: str, version: str) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = make_wheel(Path(tmp), name, version)
        dist = load_dist(path, verify_metadata=False)
    assert dist.project == canonicalize_name(name)
    assert dist.name == name


@settings(max_examples=60, deadline=None)
@given(NAMES, NAMES)
def test_file_and_metadata_names_must_be_the_same_project(file_name: str, meta_name: str) -> None:
    stem = re.sub(r"[-_.]+", "_", file_name).lower()
    with tempfile.TemporaryDirectory() as tmp:
        path = make_wheel(
            Path(tmp),
            filename=f"{stem}-1.0-py3-none-any.whl",
            metadata=metadata_text(meta_name, "1.0"),
        )
        if canonicalize_name(file_name) == canonicalize_name(meta_name):
            load_dist(path, verify_metadata=False)
        else:
            with pytest.raises(DistError, match="is named for the project"):
                load_dist(path, verify_metadata=False)
