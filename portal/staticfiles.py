"""Static files: hashed, compressed names through whitenoise after collectstatic, and plain
names before it (tests, a first run) instead of an error for a file not collected yet."""

from whitenoise.storage import CompressedManifestStaticFilesStorage


class ForgivingManifestStaticFilesStorage(CompressedManifestStaticFilesStorage):
    manifest_strict = False

    def stored_name(self, name):
        try:
            return super().stored_name(name)
        except ValueError:  # not collected: serve it under its own name (finders, tests)
            return name
