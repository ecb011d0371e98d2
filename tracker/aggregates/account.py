"""A user account: roles, community scope, password and deactivation, all as events.

The account's id derives from its username, so a second account with the
same name collides in the store instead of slipping past a check.
"""

from __future__ import annotations

import re
from typing import Any
from uuid import NAMESPACE_URL, UUID, uuid5

from tracker.aggregates.base import Act, TrackedAggregate, require_member, require_text
from tracker.errors import DomainError, InvalidValue
from tracker.roles import Role

USERNAME = re.compile(r"^[a-z][a-z0-9_.-]{1,31}$")


class AccountInactive(DomainError):
    template = "account {username} is deactivated"


class RoleAlreadyHeld(DomainError):
    template = "{username} already holds the role {role}"


class RoleNotHeld(DomainError):
    template = "{username} does not hold the role {role}"


class LastRole(DomainError):
    template = "{role} is the last role of {username}; deactivate the account instead"


def normalise_username(username: object) -> str:
    name = require_text("username", username).lower()
    if not USERNAME.match(name):
        raise InvalidValue(
            field="username",
            problem="2-32 letters, digits, '.', '_' or '-', starting with a letter",
        )
    return name


class Account(TrackedAggregate):
    class Created(TrackedAggregate.Created):
        username: str
        display_name: str
        password_hash: str
        community: str | None
        roles: tuple[Role, ...]

    class RoleGranted(TrackedAggregate.Event):
        role: Role

        def apply(self, aggregate: Any) -> None:
            aggregate.roles = frozenset({*aggregate.roles, self.role})

    class RoleRevoked(TrackedAggregate.Event):
        role: Role

        def apply(self, aggregate: Any) -> None:
            aggregate.roles = frozenset(aggregate.roles - {self.role})

    class ScopeChanged(TrackedAggregate.Event):
        community: str | None

        def apply(self, aggregate: Any) -> None:
            aggregate.community = self.community

    class PasswordChanged(TrackedAggregate.Event):
        password_hash: str

        def apply(self, aggregate: Any) -> None:
            aggregate.password_hash = self.password_hash

    class Deactivated(TrackedAggregate.Event):
        reason: str

        def apply(self, aggregate: Any) -> None:
            aggregate.active = False

    def __init__(
        self,
        actor: str,
        username: str,
        display_name: str,
        password_hash: str,
        community: str | None,
        roles: tuple[Role, ...],
    ) -> None:
        self.created_by = actor
        self.username = username
        self.display_name = display_name
        self.password_hash = password_hash
        self.community = community
        self.roles = frozenset(Role(r) for r in roles)
        self.active = True

    @staticmethod
    def id_for(username: str) -> UUID:
        return uuid5(NAMESPACE_URL, f"tracker:account:{normalise_username(username)}")

    @classmethod
    def create(
        cls,
        act: Act,
        *,
        username: str,
        display_name: str,
        password_hash: str,
        community: str | None,
        roles: tuple[Role, ...],
    ) -> Account:
        username = normalise_username(username)
        return cls._create(
            cls.Created,
            id=cls.id_for(username),
            actor=act.actor,
            timestamp=act.at,
            username=username,
            display_name=require_text("display_name", display_name),
            password_hash=password_hash,
            community=community,
            roles=tuple(
                sorted({require_member(Role, "roles", r) for r in roles}, key=lambda r: r.value)
            ),
        )

    def _require_active(self) -> None:
        if not self.active:
            raise AccountInactive(username=self.username)

    def grant_role(self, act: Act, role: Role) -> None:
        self._require_active()
        role = require_member(Role, "role", role)
        if role in self.roles:
            raise RoleAlreadyHeld(username=self.username, role=role.value)
        self._trigger(self.RoleGranted, act, role=role)

    def revoke_role(self, act: Act, role: Role) -> None:
        self._require_active()
        role = require_member(Role, "role", role)
        if role not in self.roles:
            raise RoleNotHeld(username=self.username, role=role.value)
        if self.roles == {role}:
            raise LastRole(username=self.username, role=role.value)
        self._trigger(self.RoleRevoked, act, role=role)

    def change_scope(self, act: Act, community: str | None) -> None:
        self._require_active()
        if community == self.community:
            raise InvalidValue(field="community", problem="the account already has this scope")
        self._trigger(self.ScopeChanged, act, community=community)

    def change_password(self, act: Act, password_hash: str) -> None:
        self._require_active()
        self._trigger(self.PasswordChanged, act, password_hash=password_hash)

    def deactivate(self, act: Act, reason: str) -> None:
        self._require_active()
        self._trigger(self.Deactivated, act, reason=require_text("reason", reason))
