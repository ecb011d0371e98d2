"""Runs every scenario in features/ on both stores."""

from __future__ import annotations

import pytest
from pytest_bdd import scenarios

from tests.steps.world import World


@pytest.fixture(autouse=True)
def _on_each_store(world: World) -> None:
    """Puts the store parameter into every scenario's fixture closure at collection."""


scenarios(".")
