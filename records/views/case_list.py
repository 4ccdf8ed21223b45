"""The case list (/cases/): the cases the reader may see, through the one visibility selector
(access.selectors.objects_visible, filtered in the database), newest first, 50 a page with the
total count, filters by kind, unit, year and state, and per-row flags from the gate in a
constant number of queries. Personal data shows masked (第二十九条); the list writes one
access-log line with the ids it shows before it is sent."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from access import gate, masking
from access.events import access_log_write
from access.models import Unit
from access.selectors import objects_visible
from records.casefile import Case
from records.forms import CaseFilterForm

from .common import login_required

PAGE_SIZE = 50
ROW_FLAGS = (gate.VIEW, gate.CHANGE)


@never_cache
@login_required
@require_GET
def case_list(request):
    form = CaseFilterForm(request.GET or None, units=Unit.objects.order_by("code"))
    cases = objects_visible(request.user, Case.objects.all(), level="metadata")
    if form.is_valid():
        cases = form.filter(cases)
    cases = cases.select_related("handling_unit").order_by("-opened_on", "-id")
    paginator = Paginator(cases, PAGE_SIZE)
    page = paginator.get_page(request.GET.get("page"))
    rows = list(page.object_list)
    decisions = gate.flags(request.user, rows, ROW_FLAGS)
    parties = _masked_parties(rows, decisions)
    access_log_write(actor=request.user, action="view", outcome="ok", request=request,
                     object_repr="案卷列表",
                     detail={"page": "case_list", "ids": [case.pk for case in rows],
                             "filters": form.cleaned_data if form.is_bound and form.is_valid() else {}})
    create_unit = _unit_to_open_cases(request.user)
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "records/case_list.html", {
        "form": form, "page": page, "paginator": paginator,
        "rows": [{"case": case, "flags": decisions.get(case.pk, {}),
                  "may_view": decisions.get(case.pk, {}).get(gate.VIEW),
                  "parties": parties.get(case.pk, [])} for case in rows],
        "create_unit": create_unit, "query": query.urlencode(),
    })


def _masked_parties(rows, decisions) -> dict[int, list[dict]]:
    """The parties of the rows whose content the reader may see, names with masked identity
    numbers (never clear in a list: unmasking is a logged read on the case page)."""
    readable = [case.pk for case in rows if decisions.get(case.pk, {}).get(gate.VIEW)]
    if not readable:
        return {}
    from records.casefile import CaseParty

    result: dict[int, list[dict]] = {}
    for party in CaseParty.objects.filter(case_id__in=readable).order_by("id"):
        values = masking.masked_values(party)
        result.setdefault(party.case_id, []).append({"name": party.name,
                                                     "id_number": values.get("id_number", "")})
    return result


def _unit_to_open_cases(user):
    """The reader's unit if the gate lets them open a case in it (第五条)."""
    profile = getattr(user, "staff_profile", None)
    if profile is None:
        return None
    unit = profile.unit
    return unit if gate.decide(user, gate.CREATE, unit).allowed else None
