"""Who is asking, as the gate sees it: active or not, the roles held (Django groups named by
role code, access.roles), the unit, the group ids (for group grants). A superuser or staff
flag grants nothing: it only bars its holder from granting (三员分立, 第二十九条).

Loaded with one small query and kept on the user object for the rest of the request
(``_access_actor``), like Django's ``_perm_cache``; grants are never cached, so that a
revocation counts on the next check.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth import get_user_model

from policies.roles import ROLES_BY_CODE

CACHE_ATTRIBUTE = "_access_actor"


@dataclass(frozen=True)
class Actor:
    user_id: int | None
    active: bool
    roles: frozenset[str]
    unit_id: int | None
    group_ids: tuple[int, ...]
    superuser: bool = False  # not a rule: only what it forbids (三员分立) is read from it

    @property
    def known(self) -> bool:
        return self.active and self.user_id is not None


NOBODY = Actor(None, False, frozenset(), None, ())


def actor_for(user) -> Actor:
    if user is None or not getattr(user, "is_authenticated", False) \
            or not getattr(user, "is_active", False) or getattr(user, "pk", None) is None:
        return NOBODY
    cached = getattr(user, CACHE_ATTRIBUTE, None)
    if isinstance(cached, Actor) and cached.user_id == user.pk:
        return cached
    # one query: the user's unit and groups through LEFT JOINs from the user row
    rows = list(get_user_model().objects.filter(pk=user.pk)
                .values_list("staff_profile__unit_id", "groups__id", "groups__name"))
    unit_id = rows[0][0] if rows else None
    groups = [(group_id, name) for _, group_id, name in rows if group_id is not None]
    actor = Actor(
        user_id=user.pk,
        active=True,
        roles=frozenset(name for _, name in groups if name in ROLES_BY_CODE),
        unit_id=unit_id,
        group_ids=tuple(sorted(group_id for group_id, _ in groups)),
        superuser=bool(getattr(user, "is_superuser", False)),
    )
    try:
        setattr(user, CACHE_ATTRIBUTE, actor)
    except AttributeError:  # pragma: no cover - a user object that takes no attributes
        pass
    return actor


#: what the gate keeps on a user object for the rest of a request
DENSITY_ATTRIBUTE = "_access_grant_density"


def actor_forget(user) -> None:
    """Drop what the gate cached on the user object for this request (roles, unit, groups,
    how many grants it holds), as the next request would start."""
    for name in (CACHE_ATTRIBUTE, DENSITY_ATTRIBUTE):
        if hasattr(user, name):
            delattr(user, name)
