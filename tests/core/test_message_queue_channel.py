"""Installations sharing one Redis do not hear each other's broadcasts."""
import pytest

from app import create_app
from app.extensions import socketio
from config import TestConfig, message_queue_channel


@pytest.mark.parametrize(("chosen", "redis_url", "channel"), [
    (None, "redis://127.0.0.1:6379/0", "dais-db0"),
    (None, "redis://127.0.0.1:6379/7", "dais-db7"),
    (None, "redis://:secret@redis.internal:6380/12", "dais-db12"),
    (None, "redis://127.0.0.1:6379", "dais-db0"),
    (None, None, "dais-db0"),
    ("  staging  ", "redis://127.0.0.1:6379/0", "staging"),
])
def test_channel_follows_the_database_number_unless_chosen(chosen, redis_url, channel):
    assert message_queue_channel(chosen, redis_url) == channel


def test_two_installations_on_one_redis_publish_apart(tmp_path):
    """Redis pub/sub has no databases: the channel is what keeps them apart."""
    channels = []
    for number in (7, 8):
        create_app(TestConfig, REDIS_URL=f"redis://127.0.0.1:6379/{number}",
                   SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path / f'{number}.sqlite3'}")
        channels.append(socketio.server.manager.channel)
    assert channels == ["dais-db7", "dais-db8"]
