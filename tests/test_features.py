"""Runs every scenario in features/: on both stores, except the pure calculations."""

from __future__ import annotations

from pathlib import Path

import pytest
from pytest_bdd import scenarios

from tests.steps.world import World

FEATURES = Path(__file__).parent.parent / "features"
# Features whose steps touch no store run once, in test_calculation_features.py.
CALCULATIONS = ("deadlines.feature",)


@pytest.fixture(autouse=True)
def _on_each_store(world: World) -> None:
    """Puts the store parameter into every scenario's fixture closure at collection."""


scenarios(*sorted(p.name for p in FEATURES.glob("*.feature") if p.name not in CALCULATIONS))
