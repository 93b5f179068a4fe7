"""The README's pictures of the step summary show what the action writes today: the
Markdown each was made from (``docs/images/summary-*.md``, written with the picture by
``tools/summary_pictures.py``) is what the same runs write now."""

from __future__ import annotations

import pytest
from summary_pictures import IMAGES, SCENES, summaries


@pytest.fixture(scope="module")
def today() -> dict[str, str]:
    return summaries()


@pytest.mark.parametrize("scene", sorted(SCENES))
def test_picture_shows_what_the_action_writes_today(today: dict[str, str], scene: str) -> None:
    pictured = (IMAGES / f"summary-{scene}.md").read_text(encoding="utf-8")
    assert (IMAGES / f"summary-{scene}.png").stat().st_size > 10_000
    assert today[scene] == pictured, (
        f"docs/images/summary-{scene}.png is stale: run `.venv/bin/python "
        "tools/summary_pictures.py`, look at the pictures, and commit them"
    )
