"""eia/capabilities.py: one table of what each role may do, and the rules for people."""

from eia.capabilities import (
    ASSIGNABLE_ROLES,
    PASSWORD_MAX,
    PASSWORD_MIN,
    ROLE_HINTS,
    ROLES,
    Capability,
    may,
    missing_team,
    password_problem,
    role_may,
    roles_with,
)
from eia.models import User
from eia.models.enums import Role


def test_every_role_has_its_record():
    assert [r.role for r in ROLES] == list(Role) == list(ASSIGNABLE_ROLES)
    for role in Role:
        assert ROLE_HINTS[role], role


def test_who_may_do_what_is_what_the_pages_allowed_before():
    unit = {Role.equality_officer, Role.admin}
    assert set(roles_with(Capability.read_everything)) == unit
    assert set(roles_with(Capability.dashboard)) == unit
    assert set(roles_with(Capability.audit)) == unit
    assert set(roles_with(Capability.manage)) == unit
    assert set(roles_with(Capability.administer)) == {Role.admin}
    assert set(roles_with(Capability.start_eias)) == {Role.officer, Role.approver}
    assert set(roles_with(Capability.sign_off)) == {Role.approver}
    assert set(roles_with(Capability.equality_unit)) == {Role.equality_officer}
    assert role_may("admin", Capability.administer)  # a role as stored (a plain string)
    assert not role_may("nobody", Capability.administer)


def test_may_needs_a_signed_in_person():
    class Anonymous:
        is_authenticated = False

    assert not may(None, Capability.audit)
    assert not may(Anonymous(), Capability.audit)
    assert may(User(name="A", email="a@x", role=Role.admin), Capability.audit)
    assert not may(User(name="O", email="o@x", role=Role.officer), Capability.audit)


def test_the_team_each_role_needs():
    assert missing_team(Role.officer, None, 3) == "service"
    assert missing_team(Role.officer, 2, None) is None
    assert missing_team(Role.approver, None, None) == "directorate"
    assert missing_team(Role.approver, 2, None) is None
    assert missing_team(Role.approver, None, 3) is None
    assert missing_team(Role.equality_officer, None, None) is None
    assert missing_team(Role.admin, None, None) is None


def test_the_password_rule():
    assert (
        password_problem("x" * (PASSWORD_MIN - 1))
        == f"Choose a password of at least {PASSWORD_MIN} characters."
    )
    assert password_problem("x" * PASSWORD_MIN) is None
    assert password_problem("x" * PASSWORD_MAX) is None
    assert password_problem("x" * (PASSWORD_MAX + 1))
