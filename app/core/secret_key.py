"""Choosing the key that signs sessions, CSRF tokens and remember-me cookies.

A key printed in the source or the docs is a key anyone can sign an admin's
session with, so there is no built-in default: unset, each installation makes
its own random key once and keeps it in its instance directory (every process
sharing that directory shares the key, so a restart signs nobody out). A key set
in the environment is used as given, unless it is too short to resist guessing
or is the placeholder text the deployment guide shows.
"""
import os
import secrets
import time
from pathlib import Path

from app.core.startup import StartupError

MIN_LENGTH = 16
FILE_NAME = "secret_key"
GENERATE = 'python3 -c "import secrets; print(secrets.token_urlsafe(48))"'
# Text that was once a default or is shown in the docs: never a secret.
PUBLISHED = ("dev-only-insecure-key-set-SECRET_KEY", "paste-the-output-of")


class UnsafeSecretKey(StartupError):
    pass


def check(configured):
    """Refuse a configured key that is published or short; say how to make a good one."""
    if any(text in configured for text in PUBLISHED):
        raise UnsafeSecretKey(
            "SECRET_KEY is set to text published with Dais, so anyone could sign in as anyone. "
            f"Set it to the output of: {GENERATE}")
    if len(configured) < MIN_LENGTH:
        raise UnsafeSecretKey(
            f"SECRET_KEY is {len(configured)} characters long; it must be at least {MIN_LENGTH} "
            f"(unset, Dais makes its own). Set it to the output of: {GENERATE}")
    return configured


def kept_in(instance_dir):
    """This installation's own key, made on first use and readable by its owner only."""
    path = Path(instance_dir) / FILE_NAME
    try:
        # O_EXCL: of two processes starting together, one writes and the other reads.
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return _read(path)
    key = secrets.token_urlsafe(48)
    with os.fdopen(descriptor, "w", encoding="ascii") as file:
        file.write(key + "\n")
    return key


def _read(path):
    # Empty for a moment while the process that created it writes it; for good if a
    # crash came between the two.
    for _ in range(50):
        key = path.read_text(encoding="ascii").strip()
        if len(key) >= MIN_LENGTH:
            return key
        time.sleep(0.02)
    raise UnsafeSecretKey(f"{path} holds no key: delete it (Dais makes a new one) or set SECRET_KEY.")


def choose(configured, instance_dir):
    return check(configured) if configured else kept_in(instance_dir)
