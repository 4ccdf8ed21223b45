"""The access log's vocabulary (第二十四条 调阅监督, 第二十八条): what was done, and how it ended.

Every read of a record, every change, grant and revocation, every login and failed login and
every denial writes one line through ``access_log_write`` (re-exported here), in the same
transaction as the work it records. A read's line is written before the content leaves the
server: if the line cannot be written, the content is not sent.
"""

from __future__ import annotations

from django.db import models


class Action(models.TextChoices):
    VIEW = "view", "查看"
    DOWNLOAD = "download", "下载文件"
    MEDIA_PLAY = "media_play", "播放音视频"
    EXPORT = "export", "导出"
    PRINT = "print", "打印"
    COPY = "copy", "复制"
    UNMASK = "unmask", "查看遮蔽内容"
    SEARCH = "search", "检索"
    CREATE = "create", "新建"
    CHANGE = "change", "修改"
    DELETE = "delete", "删除"
    UPLOAD = "upload", "上传"
    GRANT = "grant", "授权"
    REVOKE = "revoke", "撤销授权"
    REQUEST = "request", "提出调阅/复制申请"
    APPROVE = "approve", "批准"
    REJECT = "reject", "驳回"
    LOGIN = "login", "登录"
    LOGIN_FAILED = "login_failed", "登录失败"
    LOGOUT = "logout", "退出登录"
    DENIED = "denied", "拒绝访问"


class Outcome(models.TextChoices):
    ALLOWED = "allowed", "允许"
    DENIED = "denied", "拒绝"
    OK = "ok", "成功"
    FAILED = "failed", "失败"


from access.log.services import access_log_write  # noqa: E402  (re-export for other apps)

__all__ = ["Action", "Outcome", "access_log_write"]
