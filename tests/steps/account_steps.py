"""Steps for accounts: thin wrappers over app.accounts, plus what an auditor and a user see."""

from __future__ import annotations

from pytest_bdd import parsers, then, when

from tests.steps.common import ADMIN, PASSWORD
from tests.steps.world import ROLE_NAMES, World
from tracker.aggregates.account import Account
from tracker.roles import Role
from tracker.services.audit import REDACTED, EventRecord

STREET = None  # scope of a sub-district account: every community


def _roles(names: str) -> tuple[Role, ...]:
    """'信访员兼审批员' -> (Role.OFFICER, Role.APPROVER)."""
    return tuple(Role(ROLE_NAMES[name]) for name in names.split("兼"))


def _create(
    world: World,
    actor: str,
    username: str,
    roles: str,
    community: str | None,
    password: str = PASSWORD,
) -> None:
    world.attempt(
        lambda: world.app.accounts.create(
            world.user(actor),
            username=username,
            display_name=username,
            password=password,
            community=community,
            roles=_roles(roles),
        )
    )


def _history(world: World, username: str) -> list[EventRecord]:
    return world.app.audit.history(world.reader, Account.id_for(username))


# --- creating accounts --------------------------------------------------------


@when(parsers.parse('有人再次创建首个管理员 "{username:w}"'))
def create_first_admin_again(world: World, username: str) -> None:
    world.attempt(lambda: world.app.accounts.create_first_admin(username, "另一个管理员", PASSWORD))


@when(parsers.parse('"{actor:w}" 创建账户 "{username:w}"，角色为 "{roles}"，范围为街道'))
def create_street_account(world: World, actor: str, username: str, roles: str) -> None:
    _create(world, actor, username, roles, STREET)


@when(
    parsers.parse('"{actor:w}" 创建账户 "{username:w}"，角色为 "{roles}"，范围为社区 "{community}"')
)
def create_community_account(
    world: World, actor: str, username: str, roles: str, community: str
) -> None:
    _create(world, actor, username, roles, community)


@when(
    parsers.parse(
        '"{actor:w}" 创建账户 "{username:w}"，密码为 "{password}"，'
        '角色为 "{roles}"，范围为社区 "{community}"'
    )
)
def create_account_with_password(
    world: World, actor: str, username: str, password: str, roles: str, community: str
) -> None:
    _create(world, actor, username, roles, community, password)


# --- roles, scope, deactivation -----------------------------------------------


@when(parsers.parse('"{actor:w}" 授予 "{username:w}" {role}角色'))
def grant_role(world: World, actor: str, username: str, role: str) -> None:
    (granted,) = _roles(role)
    world.attempt(lambda: world.app.accounts.grant_role(world.user(actor), username, granted))


@when(parsers.parse('"{actor:w}" 撤销 "{username:w}" 的{role}角色'))
def revoke_role(world: World, actor: str, username: str, role: str) -> None:
    (revoked,) = _roles(role)
    world.attempt(lambda: world.app.accounts.revoke_role(world.user(actor), username, revoked))


@when(parsers.parse('"{actor:w}" 将账户 "{username:w}" 的范围改为街道'))
def change_scope_to_street(world: World, actor: str, username: str) -> None:
    world.attempt(lambda: world.app.accounts.change_scope(world.user(actor), username, STREET))


@when(parsers.parse('"{actor:w}" 将账户 "{username:w}" 的范围改为社区 "{community}"'))
def change_scope_to_community(world: World, actor: str, username: str, community: str) -> None:
    world.attempt(lambda: world.app.accounts.change_scope(world.user(actor), username, community))


@when(parsers.parse('"{actor:w}" 停用账户 "{username:w}"，理由 "{reason}"'))
def deactivate(world: World, actor: str, username: str, reason: str) -> None:
    world.attempt(lambda: world.app.accounts.deactivate(world.user(actor), username, reason))


# --- passwords and signing in -------------------------------------------------


@when(parsers.parse('"{username:w}" 将本人密码由 "{current}" 改为 "{new}"'))
def change_own_password(world: World, username: str, current: str, new: str) -> None:
    world.attempt(
        lambda: world.app.accounts.change_password(world.user(username), username, new, current)
    )


@when(parsers.parse('"{actor:w}" 将 "{username:w}" 的密码重置为 "{new}"'))
def reset_password(world: World, actor: str, username: str, new: str) -> None:
    world.attempt(
        lambda: world.app.accounts.change_password(world.user(actor), username, new, None)
    )


@when(parsers.parse('"{username:w}" 用密码 "{password}" 登录'))
def sign_in(world: World, username: str, password: str) -> None:
    world.attempt(lambda: world.app.accounts.authenticate(username, password))


@when(parsers.parse('"{username:w}" 以本人身份办理业务'))
def act_as(world: World, username: str) -> None:
    """Every command starts by resolving the user; a deactivated account stops there."""
    world.attempt(lambda: world.app.accounts.principal(username))


@when(parsers.parse('"{username:w}" 查看账户 "{other:w}"'))
def view_account(world: World, username: str, other: str) -> None:
    world.attempt(lambda: world.app.accounts.get(world.user(username), other))


# --- seeing cases -------------------------------------------------------------


@when(parsers.parse('"{username:w}" 打开该件的详情'))
def open_case(world: World, username: str) -> None:
    world.attempt(lambda: world.app.petitions.get(world.user(username), world.case))


@when(parsers.parse('"{username:w}" 调阅该件的历史'))
def open_case_history(world: World, username: str) -> None:
    world.attempt(lambda: world.app.audit.history(world.user(username), world.case))


@when(parsers.parse('"{username:w}" 调阅账户 "{other:w}" 的历史'))
def open_account_history(world: World, username: str, other: str) -> None:
    world.attempt(lambda: world.app.audit.history(world.user(username), Account.id_for(other)))


# --- what an admin and an auditor see -----------------------------------------


def _assert_account(world: World, username: str, roles: str, community: str | None) -> None:
    view = world.app.accounts.get(world.user(ADMIN), username)
    assert view.roles == frozenset(_roles(roles)), view.roles
    assert view.community == community, view.community


@then(parsers.parse('账户 "{username:w}" 的角色为 "{roles}"，范围为街道'))
def account_is_street(world: World, username: str, roles: str) -> None:
    _assert_account(world, username, roles, STREET)


@then(parsers.parse('账户 "{username:w}" 的角色为 "{roles}"，范围为社区 "{community}"'))
def account_is_community(world: World, username: str, roles: str, community: str) -> None:
    _assert_account(world, username, roles, community)


@then(parsers.parse('账户 "{username:w}" 已停用'))
def account_inactive(world: World, username: str) -> None:
    assert not world.app.accounts.get(world.user(ADMIN), username).active


@then(parsers.parse('登录者为 "{username:w}"，角色为 "{roles}"'))
def signed_in_as(world: World, username: str, roles: str) -> None:
    principal = world.succeeded()
    assert principal.username == username
    assert principal.roles == frozenset(_roles(roles))


@then(parsers.parse('账户 "{username:w}" 的历史依次为 {kinds}'))
def history_kinds(world: World, username: str, kinds: str) -> None:
    assert [record.kind for record in _history(world, username)] == kinds.split("、")


@then(
    parsers.re(
        r'账户 "(?P<username>\w+)" 的历史(?P<which>首|末)条是 '
        r'"(?P<actor>\w+)" 记录的 (?P<kind>\w+)'
    )
)
def history_entry(world: World, username: str, which: str, actor: str, kind: str) -> None:
    record = _history(world, username)[0 if which == "首" else -1]
    assert (record.kind, record.actor) == (kind, actor), record


@then(parsers.parse('账户 "{username:w}" 的历史末条记载的角色为 "{role}"'))
def history_last_role(world: World, username: str, role: str) -> None:
    (expected,) = _roles(role)
    assert _history(world, username)[-1].fields["role"] == expected


@then(parsers.parse('账户 "{username:w}" 的历史中看不到密码散列'))
def history_hides_hashes(world: World, username: str) -> None:
    records = _history(world, username)
    hashes = [r.fields["password_hash"] for r in records if "password_hash" in r.fields]
    assert [r.kind for r in records if "password_hash" in r.fields] == [
        "Created",
        "PasswordChanged",
    ]
    assert hashes == [REDACTED, REDACTED]
    assert all("argon2" not in repr(r.fields) for r in records)
