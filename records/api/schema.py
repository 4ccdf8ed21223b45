"""drf-spectacular: the token scheme (with its second factor) and the scope of the schema
(the project's API under /api/v1/, not Wagtail's internal admin API)."""

from __future__ import annotations

from drf_spectacular.extensions import OpenApiAuthenticationExtension

API_PREFIX = "/api/v1/"


class ApiTokenScheme(OpenApiAuthenticationExtension):
    target_class = "access.two_factor.api_auth.ApiTokenAuthentication"
    name = "tokenAuth"

    def get_security_definition(self, auto_schema):
        return {
            "type": "apiKey", "in": "header", "name": "Authorization",
            "description": "`Token <令牌>`。个人令牌须同时在 X-OTP-Code 请求头提供当前动态验证码"
                           "（第二十九条，验证后30分钟内有效，同一验证码只能用一次）；"
                           "设备令牌（采集工作站）只能上传。",
        }


def only_public_api(endpoints, **kwargs):
    """Keep the project's API; drop other DRF views mounted elsewhere (Wagtail admin's)."""
    return [endpoint for endpoint in endpoints if endpoint[0].startswith(API_PREFIX)]
