"""Property-based tests of the Account aggregate (see tests/aggregate_properties.py).

Any sequence of account commands, with generated and often nonsensical
arguments, either succeeds or is refused with a TrackerError that leaves the
account untouched; the accounts rebuilt from the store equal the live ones.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from hypothesis import strategies as st
from hypothesis.stateful import (
    Bundle,
    MultipleResults,
    multiple,
    rule,
    run_state_machine_as_test,
)

from tests.aggregate_properties import (
    ACTS,
    POSTGRES_RUNS,
    SQLITE_RUNS,
    TEXTS,
    ActSpec,
    AggregateMachine,
)
from tracker.aggregates.account import Account
from tracker.roles import Role

USERNAMES = st.one_of(
    st.sampled_from(["alice", "bob", " Carol ", "wang.wei", "li_na-2", "x", "1abc", "a" * 33]),
    st.from_regex(r"[A-Za-z][a-z0-9_.-]{0,33}", fullmatch=True),
    st.text(max_size=10),
)
COMMUNITIES = st.one_of(st.none(), st.sampled_from(["xinmin", "dongjie", ""]), TEXTS)
SUBJECTS = st.one_of(st.sampled_from(["王科员", "Alice Wang"]), TEXTS)
HASHES = st.one_of(st.just("$argon2id$v=19$m=65536,t=3,p=4$c2FsdA$aGFzaA"), TEXTS)
CHANGES = st.dictionaries(
    st.sampled_from(["username", "display_name", "community", "active"]),
    st.one_of(TEXTS, st.booleans(), st.none()),
    max_size=2,
)


class AccountMachine(AggregateMachine):
    accounts: Bundle[Account] = Bundle("accounts")

    @rule(
        target=accounts,
        act=ACTS,
        username=USERNAMES,
        display_name=SUBJECTS,
        password_hash=HASHES,
        community=COMMUNITIES,
        roles=st.lists(st.sampled_from(Role), max_size=5),
    )
    def create_account(
        self,
        act: ActSpec,
        username: str,
        display_name: str,
        password_hash: str,
        community: str | None,
        roles: list[Role],
    ) -> Account | MultipleResults[Account]:
        account = self.create(
            "create",
            act,
            [],
            lambda at: Account.create(
                at,
                username=username,
                display_name=display_name,
                password_hash=password_hash,
                community=community,
                roles=tuple(roles),
            ),
        )
        if account is None:
            return multiple()
        assert account.username == username.strip().lower()
        assert account.id == Account.id_for(username)
        assert account.roles == frozenset(roles)
        return account

    @rule(account=accounts, act=ACTS, role=st.sampled_from(Role))
    def grant_role(self, account: Account, act: ActSpec, role: Role) -> None:
        if self.run("grant_role", act, [], lambda a: account.grant_role(a, role), account):
            assert role in account.roles

    @rule(account=accounts, act=ACTS, role=st.sampled_from(Role))
    def revoke_role(self, account: Account, act: ActSpec, role: Role) -> None:
        if self.run("revoke_role", act, [], lambda a: account.revoke_role(a, role), account):
            assert role not in account.roles

    @rule(account=accounts, act=ACTS, community=COMMUNITIES)
    def change_scope(self, account: Account, act: ActSpec, community: str | None) -> None:
        self.run("change_scope", act, [], lambda a: account.change_scope(a, community), account)

    @rule(account=accounts, act=ACTS, password_hash=HASHES)
    def change_password(self, account: Account, act: ActSpec, password_hash: str) -> None:
        self.run(
            "change_password",
            act,
            [],
            lambda a: account.change_password(a, password_hash),
            account,
        )

    @rule(account=accounts, act=ACTS, reason=SUBJECTS)
    def deactivate(self, account: Account, act: ActSpec, reason: str) -> None:
        if self.run("deactivate", act, [], lambda a: account.deactivate(a, reason), account):
            assert not account.active

    @rule(account=accounts, act=ACTS, reason=SUBJECTS, changes=CHANGES)
    def correct(self, account: Account, act: ActSpec, reason: str, changes: dict[str, Any]) -> None:
        """Nothing on an account is correctable: always refused."""
        self.run("correct", act, [], lambda a: account.correct(a, reason, changes), account)


def test_account_commands_on_sqlite() -> None:
    run_state_machine_as_test(AccountMachine, settings=SQLITE_RUNS)


@pytest.mark.postgres
def test_account_commands_on_postgres(tmp_path: Path) -> None:
    class OnPostgres(AccountMachine):
        def __init__(self) -> None:
            super().__init__(postgres=tmp_path)

    run_state_machine_as_test(OnPostgres, settings=POSTGRES_RUNS)
