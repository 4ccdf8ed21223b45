"""Who is uploading to the docking-station endpoint (records/upload_endpoint.py), judged from
the request's headers alone, before a byte of the body is read (第二十九条).

    Authorization: Token <key>      a docking station's device token, or a person's token
    X-OTP-Code: 123456              with a person's token: a current code (access.two_factor)

A device token (采集工作站) is a device credential that can only upload; a person's token needs
the second factor as a login does (a replayed code fails, wrong codes count towards the
lockout). Session cookies are not accepted here: the staff UI has its own upload form.

These functions touch the database and run in a worker thread (asgiref ``sync_to_async``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from access.two_factor.api_tokens import api_token_for_key, api_token_use
from access.two_factor.messages import locked_message
from access.two_factor.models import ApiToken, ApiTokenKind

from . import events


class ScopeRequest:
    """What the access log and the lockout read from a request (method, path, client
    address, user agent, request id), taken from an ASGI scope."""

    def __init__(self, scope: dict[str, Any]):
        headers = {name.decode("latin-1").lower(): value.decode("latin-1")
                   for name, value in scope.get("headers", [])}
        client = scope.get("client") or ("", 0)
        self.method = scope.get("method", "")
        self.path = scope.get("path", "")
        self._query = scope.get("query_string", b"").decode("latin-1")
        self.META = {"REMOTE_ADDR": client[0] or "",
                     "HTTP_USER_AGENT": headers.get("user-agent", ""),
                     "HTTP_X_REQUEST_ID": headers.get("x-request-id", "")}
        self.headers = headers

    def get_full_path(self) -> str:
        return self.path + ("?" + self._query if self._query else "")


@dataclass(frozen=True)
class UploadCaller:
    user: Any
    token: ApiToken

    @property
    def is_device(self) -> bool:
        return self.token.kind == ApiTokenKind.DEVICE


@dataclass(frozen=True)
class Refusal:
    status: int
    message: str
    headers: tuple[tuple[bytes, bytes], ...] = ()


TOKEN_CHALLENGE = ((b"www-authenticate", b"Token"),)


def upload_caller_check(request: ScopeRequest) -> UploadCaller | Refusal:
    """The uploader, or a Refusal (401) with a `denied` access-log line."""
    parts = request.headers.get("authorization", "").split()
    if not parts or parts[0].lower() != "token" or len(parts) != 2:
        return _refuse(request, None, "上传须提供令牌（Authorization: Token <令牌>，第二十九条）。")
    token = api_token_for_key(parts[1])
    if token is None:
        return _refuse(request, None, "令牌无效或已撤销（第二十九条）。")
    use = api_token_use(token=token, code=request.headers.get("x-otp-code") or None,
                        request=request)
    if use.locked_until is not None:
        return _refuse(request, token, locked_message(use.locked_until))
    if not use.allowed:
        return _refuse(request, token,
                       "个人令牌须同时提供当前验证码（X-OTP-Code 请求头，第二十九条）。")
    user = token.user
    person = token.kind == ApiTokenKind.PERSON
    user.otp_device = None
    user.is_verified = lambda: person  # a person's token passed the second factor just now
    return UploadCaller(user=user, token=token)


def _refuse(request: ScopeRequest, token: ApiToken | None, message: str) -> Refusal:
    events.record_event(actor=token.user if token else None, action="denied",
                        outcome=events.DENIED, obj=token, request=request,
                        detail={"endpoint": "docking_upload", "reason": message})
    return Refusal(401, message, TOKEN_CHALLENGE)
