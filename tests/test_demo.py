"""The Quick start's `make demo` runs `tools/demo.py`: it must keep working."""

from __future__ import annotations

import pytest
from demo import demo


def test_demo_publishes_then_stops_the_name_mistake(capsys: pytest.CaptureFixture[str]) -> None:
    assert demo() == 0
    out = capsys.readouterr().out
    assert "built tpa_example-1.0.0.tar.gz" in out
    assert 'uploaded=["tpa_example-1.0.0.tar.gz", "tpa_example-1.0.0-py3-none-any.whl"]' in out
    assert "The token is for another project name than `tpa-example`" in out
    assert "project python-tpa-example: 0 file(s)" in out
    assert "upload requests received: 0" in out
    assert "Demo done" in out
