"""The README's Python examples run as written (the Dask one needs a scheduler: only
its API names are checked)."""

import re
from pathlib import Path

import matplotlib.pyplot as plt
import pytest

import spread

README = Path(__file__).resolve().parents[1] / "README.md"
BLOCKS = re.findall(r"```python\n(.*?)```", README.read_text(), re.S)


def test_the_readme_has_its_examples():
    assert len(BLOCKS) >= 3
    assert any("Client(" in b for b in BLOCKS)


@pytest.mark.slow
def test_readme_examples_run():
    namespace = {}
    ran = 0
    for block in BLOCKS:
        if "dask.distributed" in block:
            continue
        exec(compile(block, str(README), "exec"), namespace)
        plt.close("all")
        ran += 1
    assert ran >= 2
    est = namespace["est"]
    assert est.result_.success and 0 < est.p_ < 1 and 0 < est.external_ < 1
    assert namespace["sel"].seeds.size == 50
    assert isinstance(namespace["ic"], spread.SpreadResult)


def test_readme_dask_example_names_real_api():
    block = next(b for b in BLOCKS if "dask.distributed" in b)
    for call in re.findall(r"spread\.(\w+)\(", block):
        assert hasattr(spread, call), call
    assert "client=client" in block
