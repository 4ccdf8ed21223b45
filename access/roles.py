"""Roles (policies.roles) as Django groups: a user holds a role by being in its group."""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser, Group

from policies.roles import ROLES


def role_groups_ensure() -> dict[str, Group]:
    """Create the group of every role that has none yet; return them by role code."""
    return {role.code: Group.objects.get_or_create(name=role.code)[0] for role in ROLES}


def user_role_codes(user: AbstractBaseUser) -> set[str]:
    if not user.is_authenticated or not user.is_active:
        return set()
    codes = {role.code for role in ROLES}
    return set(user.groups.filter(name__in=codes).values_list("name", flat=True))
