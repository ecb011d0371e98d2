"""Accounts: the first admin, creation, roles, scope, passwords, sign-in."""

from __future__ import annotations

import hashlib
import secrets

from tracker.aggregates.account import Account, AccountInactive, normalise_username
from tracker.aggregates.unique_number import NumberKind, UniqueNumber
from tracker.errors import CaseNotFound, ConcurrentChange, DomainError, InvalidValue, TrackerError
from tracker.passwords import DUMMY_HASH, hash_password, verify_password
from tracker.permissions import Action, Principal
from tracker.projections.accounts import AccountRow, select_accounts
from tracker.roles import Role
from tracker.services.base import Service

SYSTEM = "system"


class UsernameTaken(DomainError):
    template = "the username {username} is taken"


class StoreNotEmpty(DomainError):
    template = "the store already holds records; create accounts as an admin"


class OwnAccount(DomainError):
    template = "your own roles, scope and activity are changed by another admin"


class AuthenticationFailed(TrackerError):
    template = "unknown user or wrong password"


class PasswordChanged(TrackerError):
    template = "the password of {username} has changed since this session began"


def _mark(password_hash: str) -> str:
    return hashlib.sha256(password_hash.encode()).hexdigest()[:16]


class AccountNotFound(TrackerError):
    template = "no account {username}"


def _view(account: Account) -> AccountRow:
    """An account as the admin's list shows it, read from the account itself."""
    return AccountRow(
        username=account.username,
        display_name=account.display_name,
        community=account.community,
        roles=frozenset(account.roles),
        active=account.active,
        version=account.version,
    )


class Accounts(Service):
    def _account(self, username: str) -> Account:
        try:
            return self.app.load(Account, Account.id_for(username), None)
        except CaseNotFound:
            raise AccountNotFound(username=username) from None

    def _scope(self, who: Principal, community: str | None) -> str | None:
        """A community admin gives accounts only their own community."""
        scope = None if community is None else self.app.policy.community(community).code
        if who.community is not None and scope != who.community:
            raise InvalidValue(field="community", problem="outside your community")
        return scope

    def _other(self, who: Principal, username: str) -> Account:
        """An account an admin may change: not their own, and within their community."""
        who.require(Action.MANAGE_ACCOUNTS)
        account = self._account(username)
        if who.community is not None and account.community != who.community:
            raise AccountNotFound(username=username)
        if account.username == who.username:
            raise OwnAccount()
        return account

    def create_first_admin(self, username: str, display_name: str, password: str) -> AccountRow:
        """Bootstraps an empty store; refused once anything has been recorded."""
        if self.app.recorder.max_notification_id():
            raise StoreNotEmpty()
        act = self.app.act(SYSTEM)
        account = Account.create(
            act,
            username=username,
            display_name=display_name,
            password_hash=hash_password(password),
            community=None,
            roles=(Role.ADMIN,),
        )
        setup = UniqueNumber.claim(act, NumberKind.SETUP, "first-admin", account.id, None)
        try:
            self.app.commit(account, setup)
        except ConcurrentChange:
            raise StoreNotEmpty() from None
        return _view(account)

    def create(
        self,
        who: Principal,
        *,
        username: str,
        display_name: str,
        password: str,
        community: str | None,
        roles: tuple[Role, ...],
    ) -> AccountRow:
        who.require(Action.MANAGE_ACCOUNTS)
        username = normalise_username(username)
        if self.app.exists(Account.id_for(username)):
            raise UsernameTaken(username=username)
        if not roles:
            raise InvalidValue(field="roles", problem="at least one role")
        account = Account.create(
            self.app.act(who),
            username=username,
            display_name=display_name,
            password_hash=hash_password(password),
            community=self._scope(who, community),
            roles=roles,
        )
        self.app.commit(account)
        return _view(account)

    def grant_role(self, who: Principal, username: str, role: Role) -> None:
        account = self._other(who, username)
        account.grant_role(self.app.act(who), role)
        self.app.commit(account)

    def revoke_role(self, who: Principal, username: str, role: Role) -> None:
        account = self._other(who, username)
        account.revoke_role(self.app.act(who), role)
        self.app.commit(account)

    def change_scope(self, who: Principal, username: str, community: str | None) -> None:
        account = self._other(who, username)
        account.change_scope(self.app.act(who), self._scope(who, community))
        self.app.commit(account)

    def deactivate(self, who: Principal, username: str, reason: str) -> None:
        account = self._other(who, username)
        account.deactivate(self.app.act(who), reason)
        self.app.commit(account)

    def change_password(
        self, who: Principal, username: str, new_password: str, current_password: str | None
    ) -> None:
        """Users change their own (knowing the current one); admins reset others' in scope.

        The permission is checked before the account is looked up, so that a
        non-admin cannot learn which usernames exist (as in ``authenticate``).
        """
        if who.username != normalise_username(username):
            account = self._other(who, username)
        else:
            account = self._account(username)
            if current_password is None or not verify_password(
                account.password_hash, current_password
            ):
                raise AuthenticationFailed()
        account.change_password(self.app.act(who), hash_password(new_password))
        self.app.commit(account)

    def get(self, who: Principal, username: str) -> AccountRow:
        if who.username == normalise_username(username):
            return _view(self._account(username))
        who.require(Action.MANAGE_ACCOUNTS)
        account = self._account(username)
        if who.community is not None and account.community != who.community:
            raise AccountNotFound(username=username)
        return _view(account)

    def list(self, who: Principal) -> tuple[AccountRow, ...]:
        """The accounts an admin manages: all, or those of their community."""
        who.require(Action.MANAGE_ACCOUNTS)
        views = self.app.views
        views.refresh()
        with views.db.read() as cursor:
            return select_accounts(cursor, views.suffix(cursor, "accounts"), scope=who.community)

    def principal(self, username: str, *, password_mark: str | None = None) -> Principal:
        """The user as commands see them; refused for a deactivated account.

        With ``password_mark`` (a session's, from sign-in), refused too once the
        password has changed since: a reset ends every session opened with the old one.
        """
        account = self._account(username)
        if not account.active:
            raise AccountInactive(username=account.username)
        if password_mark is not None and not secrets.compare_digest(
            password_mark, _mark(account.password_hash)
        ):
            raise PasswordChanged(username=account.username)
        return Principal(account.username, frozenset(account.roles), account.community)

    def password_mark(self, username: str) -> str:
        """A mark of the account's current password for a session to carry (not the hash)."""
        return _mark(self._account(username).password_hash)

    def community_of(self, username: str) -> str | None:
        """The community of the account a name would sign in to; None: the whole sub-district.

        None also for a name no account has: only the recording of a sign-in
        attempt asks, to show it to that community's auditors.
        """
        try:
            return self._account(normalise_username(username)).community
        except (AccountNotFound, InvalidValue):
            return None

    def authenticate(self, username: str, password: str) -> Principal:
        """The same answer, in about the same time, for an unknown user and a wrong password."""
        try:
            account = self._account(normalise_username(username))
        except (AccountNotFound, InvalidValue):
            verify_password(DUMMY_HASH, password)
            raise AuthenticationFailed() from None
        if not verify_password(account.password_hash, password) or not account.active:
            raise AuthenticationFailed()
        return Principal(account.username, frozenset(account.roles), account.community)
