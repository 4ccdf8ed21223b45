"""Django REST framework: token authentication with the second factor, and the rule that a
device token can only upload.

    Authorization: Token <key>
    X-OTP-Code: 123456        (a person's token: a current code, then valid 30 idle minutes)
"""

from __future__ import annotations

from rest_framework.authentication import BaseAuthentication, get_authorization_header
from rest_framework.exceptions import AuthenticationFailed
from rest_framework.permissions import BasePermission

from .api_tokens import api_token_for_key, api_token_use
from .messages import locked_message
from .models import ApiToken, ApiTokenKind

UPLOAD_METHODS = frozenset({"POST", "PUT"})


class ApiTokenAuthentication(BaseAuthentication):
    keyword = b"token"

    def authenticate(self, request):
        parts = get_authorization_header(request).split()
        if not parts or parts[0].lower() != self.keyword:
            return None
        if len(parts) != 2:
            raise AuthenticationFailed("令牌格式不正确（Authorization: Token <令牌>）。")
        token = api_token_for_key(parts[1].decode("latin-1"))
        if token is None:
            raise AuthenticationFailed("令牌无效或已撤销。")
        use = api_token_use(token=token, code=request.META.get("HTTP_X_OTP_CODE"),
                            request=request)
        if use.locked_until is not None:
            raise AuthenticationFailed(locked_message(use.locked_until))
        if not use.allowed:
            raise AuthenticationFailed(
                "个人令牌须同时提供当前验证码（X-OTP-Code 请求头，第二十九条）。")
        user = token.user
        person = token.kind == ApiTokenKind.PERSON
        user.otp_device = None
        user.is_verified = lambda: person  # a person's token passed the second factor
        return user, token

    def authenticate_header(self, request):
        return "Token"


class DeviceTokensOnlyUpload(BasePermission):
    """A device token (a docking station) may only upload: to a view that says
    ``accepts_device_tokens = True``, with POST or PUT. Everything else refuses it."""

    message = "设备令牌只能用于上传音像记录。"

    def has_permission(self, request, view) -> bool:
        token = request.auth
        if isinstance(token, ApiToken) and token.kind == ApiTokenKind.DEVICE:
            return bool(getattr(view, "accepts_device_tokens", False)) \
                and request.method in UPLOAD_METHODS
        return True
