"""An authentication backend that answers object permissions through the access gate.

It replaces guardian's ObjectPermissionBackend, which reads guardian's tables without the
grant's start, end and revocation. ``user.has_perm("records.view_case", case)`` (for example
in a template or a third-party view) asks the gate; a permission without an object is not
this backend's business (ModelBackend answers it). One thing no backend can change:
``User.has_perm`` answers True for an active superuser before any backend is asked, so content
code never relies on ``has_perm`` for objects: it calls access.gate, where a superuser flag
grants nothing (三员分立).
"""

from __future__ import annotations

from .core import decide
from .registry import guarded_for


class GateBackend:
    def authenticate(self, request, **credentials):
        return None

    def get_user(self, user_id):
        return None

    def has_perm(self, user_obj, perm: str, obj=None) -> bool:
        if obj is None:
            return False
        spec = guarded_for(obj)
        if spec is None:
            return False
        codename = perm.split(".", 1)[-1]
        action = spec.action_of(codename)
        if action is None:
            return False
        return decide(user_obj, action, obj).allowed

    def get_all_permissions(self, user_obj, obj=None) -> set[str]:
        if obj is None:
            return set()
        spec = guarded_for(obj)
        if spec is None:
            return set()
        app = spec.model._meta.app_label
        return {f"{app}.{spec.codename(action)}" for action in sorted(spec.actions)
                if decide(user_obj, action, obj).allowed}
