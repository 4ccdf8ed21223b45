"""A human page listing the API's operations from the OpenAPI schema, drawn on the server
(drf-spectacular's Swagger and Redoc pages load their scripts from a CDN, which this
deployment does not reach)."""

from __future__ import annotations

import functools

from django.shortcuts import render
from drf_spectacular.generators import SchemaGenerator

METHODS = ("get", "put", "post", "patch", "delete")


def operations(schema: dict) -> list[dict]:
    rows = []
    for path, item in schema.get("paths", {}).items():
        for method in METHODS:
            operation = item.get(method)
            if operation is None:
                continue
            rows.append({
                "method": method.upper(), "path": path, "id": operation.get("operationId", ""),
                "summary": operation.get("summary", ""),
                "description": operation.get("description", ""),
                "parameters": [p for p in operation.get("parameters", [])],
                "responses": sorted(operation.get("responses", {}).items()),
            })
    return rows


@functools.lru_cache(maxsize=1)
def _schema() -> dict:
    """The public schema does not depend on the request; built once per process."""
    return SchemaGenerator().get_schema(request=None, public=True)


def api_docs(request):
    schema = _schema()
    return render(request, "records_api/docs.html", {
        "info": schema.get("info", {}), "operations": operations(schema)})
