"""Start-up settings: never a published session key (each installation its own when unset), and a database Dais runs on."""
import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from app import create_app
from app.core import secret_key
from app.core.secret_key import UnsafeSecretKey
from config import TestConfig

ROOT = Path(__file__).resolve().parents[2]


def test_unset_key_is_made_once_and_kept_private(tmp_path):
    first = secret_key.choose(None, tmp_path)
    assert len(first) >= 48
    kept = tmp_path / "secret_key"
    assert stat.S_IMODE(kept.stat().st_mode) == 0o600
    # Every later start (and every process sharing the directory) signs with the same key.
    assert secret_key.choose("", tmp_path) == first
    assert secret_key.choose(None, tmp_path) == first


def test_another_installation_gets_another_key(tmp_path):
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    assert secret_key.choose(None, tmp_path / "a") != secret_key.choose(None, tmp_path / "b")


@pytest.mark.parametrize("published", [
    "dev-only-insecure-key-set-SECRET_KEY",
    'paste-the-output-of: python3 -c "import secrets; print(secrets.token_urlsafe(48))"',
])
def test_published_keys_are_refused(published):
    with pytest.raises(UnsafeSecretKey, match="published with Dais"):
        secret_key.choose(published, "/nonexistent")


def test_short_key_is_refused_saying_how_to_make_one():
    with pytest.raises(UnsafeSecretKey, match=r"10 characters long; it must be at least 16.*token_urlsafe"):
        secret_key.choose("0123456789", "/nonexistent")


def test_long_configured_key_is_used_as_given(tmp_path):
    assert secret_key.choose("a-key-of-sufficient-length", tmp_path) == "a-key-of-sufficient-length"
    assert not (tmp_path / "secret_key").exists()


def test_empty_kept_file_is_refused_not_used(tmp_path, monkeypatch):
    (tmp_path / "secret_key").write_text("")
    monkeypatch.setattr(secret_key.time, "sleep", lambda seconds: None)
    with pytest.raises(UnsafeSecretKey, match="holds no key"):
        secret_key.choose(None, tmp_path)


def test_app_without_a_key_signs_with_its_instance_key(tmp_path):
    app = create_app(TestConfig, SECRET_KEY=None, INSTANCE_DIR=tmp_path,
                     SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path / 'keyless.sqlite3'}")
    assert app.secret_key == (tmp_path / "secret_key").read_text().strip()
    assert app.secret_key != "dev-only-insecure-key-set-SECRET_KEY"


def refused_start(tmp_path, settings, *command):
    """`flask --app wsgi COMMAND` with `settings` in the environment: it must stop with the
    reason on one line, not a traceback. Returns what it printed to stderr."""
    env = {**os.environ, "DAIS_INSTANCE_DIR": str(tmp_path), "DATABASE_URL": f"sqlite:///{tmp_path / 'x.sqlite3'}",
           **settings}
    env.pop("REDIS_URL", None)
    result = subprocess.run([sys.executable, "-m", "flask", "--app", "wsgi", *command], cwd=ROOT,
                            env=env, capture_output=True, text=True, timeout=120)
    assert result.returncode != 0
    assert "Traceback" not in result.stderr
    return result.stderr


def test_commands_and_server_stop_with_the_reason(tmp_path):
    said = refused_start(tmp_path, {"SECRET_KEY": "short"}, "users", "--help")
    assert "Dais cannot start: SECRET_KEY is 5 characters long" in said


def test_an_unsupported_database_stops_start_up_with_the_reason(tmp_path):
    said = refused_start(tmp_path, {"DATABASE_URL": "mysql://dais:secret@127.0.0.1/dais"}, "db", "upgrade")
    assert "Dais cannot start: DATABASE_URL is a mysql address; Dais runs on PostgreSQL" in said
