"""The ASGI entry point raises uvicorn's per-request body buffer (portal/uvicorn_tuning.py)."""

import importlib

import pytest

from portal.uvicorn_tuning import BODY_BUFFER, uvicorn_body_buffer_raise


def test_the_entry_point_raises_uvicorns_buffer_where_uvicorn_keeps_it():
    importlib.import_module("portal.asgi")
    httptools_impl = pytest.importorskip("uvicorn.protocols.http.httptools_impl")
    h11_impl = importlib.import_module("uvicorn.protocols.http.h11_impl")
    # fails when an upgrade of uvicorn renames or moves the constant: look again then
    assert httptools_impl.HIGH_WATER_LIMIT == BODY_BUFFER
    assert h11_impl.HIGH_WATER_LIMIT == BODY_BUFFER


def test_it_never_lowers_the_buffer():
    h11_impl = importlib.import_module("uvicorn.protocols.http.h11_impl")
    before = h11_impl.HIGH_WATER_LIMIT
    try:
        assert "uvicorn.protocols.http.h11_impl" in uvicorn_body_buffer_raise(before * 4)
        assert h11_impl.HIGH_WATER_LIMIT == before * 4
        uvicorn_body_buffer_raise(1024)
        assert h11_impl.HIGH_WATER_LIMIT == before * 4
    finally:
        h11_impl.HIGH_WATER_LIMIT = before
