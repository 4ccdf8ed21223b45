"""Named errors of the originals store. Their messages are shown to the uploader, so they are
in Chinese and cite the article they enforce (第二十八条: originals are never destroyed, cut,
edited or deleted, so the store accepts only a complete, verified copy)."""

from __future__ import annotations


class StoreError(Exception):
    """Base of every refusal by the originals store."""


class InvalidHash(StoreError, ValueError):
    """A string that is not a SHA-256 in lowercase hex (64 characters 0-9a-f).

    Raised before the string comes near a path, so `../x`, `/etc/passwd` or NUL bytes never
    reach the file system."""

    def __init__(self, value: object):
        shown = repr(value)
        if len(shown) > 80:
            shown = shown[:77] + "..."
        super().__init__(f"不是有效的 SHA-256 值(应为 64 位小写十六进制字符):{shown}")
        self.value = value


class IntegrityMismatch(StoreError):
    """The SHA-256 the docking station computed differs from the bytes that arrived."""

    def __init__(self, *, expected: str, actual: str):
        super().__init__(
            "完整性校验失败:采集站报告的 SHA-256 为 "
            f"{expected},服务器收到的内容为 {actual}。文件未保存,请重新上传"
            "(第二十八条:原始音视频资料不得毁损、剪接、删改)。"
        )
        self.expected = expected
        self.actual = actual


class IncompleteUpload(StoreError):
    """Fewer (or more) bytes arrived than the sender announced: the upload broke off."""

    def __init__(self, *, expected_size: int, actual_size: int):
        super().__init__(
            f"上传不完整:应收到 {expected_size} 字节,实际收到 {actual_size} 字节。"
            "文件未保存,请重新上传(第二十八条:只保存完整的原始资料)。"
        )
        self.expected_size = expected_size
        self.actual_size = actual_size


class OriginalTooLarge(StoreError):
    """The upload passed the largest size the store accepts."""

    def __init__(self, *, max_size: int):
        super().__init__(f"文件超过允许的最大大小 {max_size} 字节,未保存。")
        self.max_size = max_size


class IngestClosed(StoreError):
    """The sink was already finished or aborted (or failed) and takes no more bytes."""

    def __init__(self, message: str = "上传已结束或已中止,不能再写入。"):
        super().__init__(message)
