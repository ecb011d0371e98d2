"""Every read model, found by importing the modules of this package.

A new read model is a new module here with a ``Projection`` subclass; it
needs no other registration.
"""

from __future__ import annotations

import importlib
import pkgutil
from typing import TYPE_CHECKING

import tracker.projections as package
from tracker.projections.projection import Projection

if TYPE_CHECKING:
    from tracker.policy import Policy


def projection_classes() -> list[type[Projection]]:
    for module in pkgutil.iter_modules(package.__path__):
        importlib.import_module(f"{package.__name__}.{module.name}")
    found: dict[str, type[Projection]] = {}
    pending = list(Projection.__subclasses__())
    while pending:
        cls = pending.pop()
        pending.extend(cls.__subclasses__())
        if "name" in cls.__dict__ and cls.__module__.startswith(package.__name__):
            found[cls.name] = cls
    return [found[name] for name in sorted(found)]


def all_projections(policy: Policy) -> list[Projection]:
    return [cls(policy) for cls in projection_classes()]
