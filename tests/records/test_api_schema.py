"""The OpenAPI schema: valid, warning-free, listing the case endpoints and the upload; and its
human page, drawn on the server without a CDN."""

from __future__ import annotations

import re

import pytest
import yaml
from django.core.management import call_command
from django.test import Client


def test_the_schema_validates_without_warnings_and_lists_cases_and_upload(tmp_path):
    target = tmp_path / "schema.yaml"

    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(target))

    schema = yaml.safe_load(target.read_text())
    paths = schema["paths"]
    assert {"/api/v1/cases/", "/api/v1/cases/{id}/", "/api/v1/cases/{id}/documents/",
            "/api/v1/cases/{id}/av-records/", "/api/v1/cases/{id}/stage-records/",
            "/api/v1/uploads/"} <= set(paths)
    upload = paths["/api/v1/uploads/"]["put"]
    assert "application/octet-stream" in upload["requestBody"]["content"]
    headers = {p["name"] for p in upload["parameters"] if p["in"] == "header"}
    assert {"X-Case-Id", "X-Stage", "X-Content-SHA256", "X-Officer-Certificate"} <= headers
    assert {"201", "401", "409", "415"} <= set(upload["responses"])
    assert "tokenAuth" in schema["components"]["securitySchemes"]
    assert not any(path.startswith("/admin/") for path in paths)


@pytest.mark.django_db
def test_the_schema_is_served_as_json_and_yaml():
    client = Client()

    as_json = client.get("/api/schema/?format=json")
    as_yaml = client.get("/api/schema/")

    assert as_json.status_code == 200 and "/api/v1/uploads/" in as_json.json()["paths"]
    assert as_yaml.status_code == 200 and "/api/v1/cases/" in yaml.safe_load(as_yaml.content)["paths"]


@pytest.mark.django_db
def test_the_docs_page_lists_the_operations_and_loads_nothing_from_elsewhere():
    response = Client().get("/api/docs/")

    html = response.content.decode()
    assert response.status_code == 200
    assert "/api/v1/uploads/" in html and "/api/v1/cases/{id}/" in html and "X-Case-Id" in html
    external = re.findall(r"""(?:src|href)=["'](https?:)?//""", html)
    assert external == []
