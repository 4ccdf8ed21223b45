"""The ASGI entry point (docker-compose runs it under uvicorn).

One path goes around Django: the docking-station upload (records/upload_endpoint.py), whose
body streams into the hashing store as it arrives; Django's ASGI handler would first spool the
whole body to a temporary file (/work/shared/notes/upload-paths.md). Everything else, the
API's other endpoints included, is Django.
"""

import os

from django.core.asgi import get_asgi_application

from portal.uvicorn_tuning import uvicorn_body_buffer_raise

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
django_application = get_asgi_application()

from records.upload_app import lifespan_answer  # noqa: E402
from records.upload_endpoint import UPLOAD_PATH, make_docking_upload_app  # noqa: E402


class PathRouter:
    """`routes` (a prefix ending in "/" → its app: the prefix without its slash and every path
    under it) and the rest to `default`; answers the lifespan protocol itself (Django's
    handler does not speak it)."""

    def __init__(self, routes: dict, default):
        self.routes = dict(routes)
        self.default = default

    def app_for(self, path: str):
        for prefix, app in self.routes.items():
            if path == prefix.rstrip("/") or path.startswith(prefix):
                return app
        return None

    async def __call__(self, scope, receive, send):
        if scope["type"] == "lifespan":
            await lifespan_answer(receive, send)
            return
        app = self.app_for(scope.get("path", "")) if scope["type"] == "http" else None
        await (app or self.default)(scope, receive, send)


def make_application(store=None) -> PathRouter:
    return PathRouter({UPLOAD_PATH: make_docking_upload_app(store)}, django_application)


application = make_application()
uvicorn_body_buffer_raise()
