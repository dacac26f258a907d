"""Settings for the test suite: the same file, with a scratch var/ and fast hashing."""

import os
import tempfile

os.environ.setdefault("TONGKET_VAR_DIR", tempfile.mkdtemp(prefix="tongket-test-"))

from config.settings import *  # noqa: E402,F403
from config.settings import DATABASES, STATIC_ROOT, VAR_DIR  # noqa: E402

# Tests do not run collectstatic, so the manifest storage would have nothing to read.
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    # A file, not memory: the CLI's "is there a database" check runs against it in-process.
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / "test.sqlite3")}
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # whitenoise warns when it is missing
