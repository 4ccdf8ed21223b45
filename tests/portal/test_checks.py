"""The rule catalogue is validated at start-up as a Django system check."""

import dataclasses

import pytest

import policies.catalogue as catalogue_module
from portal.checks import rule_catalogue_is_valid


def test_the_shipped_catalogue_passes_the_start_up_check():
    assert rule_catalogue_is_valid() == []


def test_a_catalogue_with_a_broken_deadline_fails_the_start_up_check(monkeypatch):
    broken = dataclasses.replace(catalogue_module.CATALOGUE_2021, archive_working_days=0)
    monkeypatch.setattr("portal.checks.CATALOGUES", (broken,))
    errors = rule_catalogue_is_valid()
    assert errors, "a zero archive deadline must be reported"
    assert all(error.id == "policies.E001" for error in errors)
    assert any("2021" in error.msg for error in errors)
