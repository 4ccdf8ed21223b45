"""System checks run at start-up (`manage.py check`, every server start)."""

from __future__ import annotations

from django.core import checks

from policies.catalogue import CATALOGUES, validate_catalogue


@checks.register()
def rule_catalogue_is_valid(app_configs=None, **kwargs):
    """Every version of the rule catalogue names known stages, roles and marks, has positive
    deadlines, and cites an article for every rule."""
    errors = []
    for catalogue in CATALOGUES:
        for problem in validate_catalogue(catalogue):
            errors.append(checks.Error(
                f"规则目录 {catalogue.code}（{catalogue.effective_from}起施行）：{problem}",
                id="policies.E001",
            ))
    return errors
