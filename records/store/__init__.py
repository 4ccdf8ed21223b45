"""The store of original audio/video files: write-once, addressed by SHA-256 (第二十八条).

Storage only: the models that own originals and the upload endpoints build on this.
"""

from .disposition import ascii_download_name, content_disposition, safe_download_name, stored_file_name
from .errors import (
    IncompleteUpload,
    IngestClosed,
    IntegrityMismatch,
    InvalidHash,
    OriginalTooLarge,
    StoreError,
)
from .hashes import is_sha256, normalise_sha256, require_sha256
from .originals import OriginalStore, StoredOriginal, default_store, hash_file
from .sink import AsyncIngestSink, IngestSink
from .writeback import writeback_available

__all__ = [
    "AsyncIngestSink",
    "IncompleteUpload",
    "IngestClosed",
    "IngestSink",
    "IntegrityMismatch",
    "InvalidHash",
    "OriginalStore",
    "OriginalTooLarge",
    "StoreError",
    "StoredOriginal",
    "ascii_download_name",
    "content_disposition",
    "stored_file_name",
    "default_store",
    "hash_file",
    "is_sha256",
    "normalise_sha256",
    "require_sha256",
    "safe_download_name",
    "writeback_available",
]
