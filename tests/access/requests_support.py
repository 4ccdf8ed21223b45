"""Helpers for the view/copy request tests: a bureau with approvers of every kind, a request
submitted through the real service, and the access clock moved forward."""

from __future__ import annotations

from datetime import timedelta

from access import clock
from access.requests.workflow import access_request_submit

from .gate_support import bureau, case, document, person, verified


def request_bureau():
    """gate_support's bureau plus a second secrecy officer and a head of the requester's
    unit; every approver's session verified."""
    world = bureau()
    plain = case("xiaofang", "internal", opener=world.people["officer"])
    world.objects["plain"] = plain
    world.objects["plain_doc"] = document(plain)
    world.people["other_head"] = person("other_head", "unit_head", unit_code="shenpi")
    world.people["secrecy2"] = person("secrecy2", "secrecy", unit_code="fagui")
    for key in ("head", "other_head", "legal", "secrecy", "secrecy2", "bureau_head"):
        verified(world.people[key])
        world.people[key].email = f"{key}@example.test"
        world.people[key].save(update_fields=["email"])
    for key in ("officer", "other_officer", "requester"):
        world.people[key].email = f"{key}@example.test"
        world.people[key].save(update_fields=["email"])
    return world


def submit(requester, target, *, items=(), kind="view", days=7, outside=False, copies=1,
           delivery=None, purpose_text="办理关联案件需要核对询问笔录"):
    return access_request_submit(
        actor=requester, target=target, items=items, kind=kind, purpose="case_handling",
        purpose_text=purpose_text, ends_at=clock.now() + timedelta(days=days), copies=copies,
        delivery=delivery or ("online" if kind == "view" else "download"),
        outside_bureau=outside, recipient="郑州市中级人民法院" if outside else "")


def move_clock(monkeypatch, by: timedelta):
    """Move the access clock (access.clock.now) forward by `by`."""
    real_now = clock.now
    later = real_now() + by
    monkeypatch.setattr("access.clock.now", lambda: later)
    return later
