"""Static files: hashed names and compression through whitenoise after collectstatic, and
plain names before it (tests, a first run), instead of an error for a missing manifest."""

from whitenoise.storage import CompressedManifestStaticFilesStorage


class ForgivingManifestStaticFilesStorage(CompressedManifestStaticFilesStorage):
    manifest_strict = False
