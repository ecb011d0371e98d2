"""Runs the features that only calculate (deadlines), once, without a store."""

from __future__ import annotations

from pytest_bdd import scenarios

from tests.test_features import CALCULATIONS

scenarios(*CALCULATIONS)
