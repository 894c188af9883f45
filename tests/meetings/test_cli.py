"""`flask bodies create` and `flask bodies list`."""
import pytest
import sqlalchemy as sa

from app.extensions import db
from app.meetings.models import Body, CommentPolicy
from tests.factories import make_body

CREATE = ["bodies", "create", "city-council", "--name", "City Council",
          "--timezone", "America/Los_Angeles", "--rules", "us-ca-brown-act"]


def bodies():
    return db.session.scalars(sa.select(Body).order_by(Body.slug)).all()


def test_create_a_body_with_the_service_defaults(runner):
    result = runner.invoke(args=CREATE)
    assert result.exit_code == 0, result.output
    [body] = bodies()
    assert (body.slug, body.name, body.timezone, body.rule_pack) == (
        "city-council", "City Council", "America/Los_Angeles", "us-ca-brown-act")
    assert body.comment_seconds == 180 and body.comment_policy == CommentPolicy.FIFO
    assert [section["title"] for section in body.agenda_template][0] == "Call to Order"
    assert "Created body city-council (City Council)" in result.output
    assert "180 s per speaker, fifo order" in result.output


def test_create_takes_the_comment_settings(runner):
    result = runner.invoke(args=[*CREATE, "--comment-seconds", "120", "--policy", "alternate"])
    assert result.exit_code == 0, result.output
    [body] = bodies()
    assert body.comment_seconds == 120 and body.comment_policy == CommentPolicy.ALTERNATE


@pytest.mark.parametrize("change, message", [
    ({"city-council": "City_Council"}, "'slug' may hold only lower-case letters"),
    ({"America/Los_Angeles": "Mars/Olympus_Mons"}, "'timezone' 'Mars/Olympus_Mons' is not an IANA timezone name"),
    ({"us-ca-brown-act": "us-xx-nothing"}, "'rule_pack' must be one of: us-ca-brown-act"),
    ({"City Council": "  "}, "'name'"),
])
def test_create_refuses_bad_values_and_creates_nothing(runner, change, message):
    args = [change.get(arg, arg) for arg in CREATE]
    result = runner.invoke(args=args)
    assert result.exit_code == 1
    assert f"Error: {message}" in result.output
    assert "Traceback" not in result.output
    assert bodies() == []


@pytest.mark.parametrize("extra, message", [
    (["--comment-seconds", "5"], "'comment_seconds' must be a whole number between 10 and 3600"),
    (["--policy", "loudest_first"], "Invalid value for '--policy'"),
])
def test_create_refuses_bad_comment_settings(runner, extra, message):
    result = runner.invoke(args=[*CREATE, *extra])
    assert result.exit_code != 0 and message in result.output
    assert bodies() == []


def test_create_refuses_a_slug_taken_already(runner):
    make_body(slug="city-council", name="The First One")
    db.session.commit()
    result = runner.invoke(args=CREATE)
    assert result.exit_code == 1
    assert "A body with slug 'city-council' already exists." in result.output
    assert [body.name for body in bodies()] == ["The First One"]


def test_create_requires_name_timezone_and_rules(runner):
    result = runner.invoke(args=["bodies", "create", "city-council"])
    assert result.exit_code != 0 and "Missing option '--name'" in result.output
    assert bodies() == []


def test_list_shows_every_body_in_columns(runner):
    make_body(slug="planning", name="Planning Commission", timezone="America/Chicago", rule_pack="us-il-oma")
    make_body(slug="city-council", name="City Council")
    db.session.commit()
    result = runner.invoke(args=["bodies", "list"])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0].split() == ["slug", "name", "timezone", "rules"]
    assert lines[1].split() == ["city-council", "City", "Council", "America/Los_Angeles", "us-ca-brown-act"]
    assert lines[2].split() == ["planning", "Planning", "Commission", "America/Chicago", "us-il-oma"]
    # Aligned: every column starts at the same place on every line.
    assert len({line.index("America") for line in lines[1:]}) == 1


def test_list_on_an_empty_database_says_how_to_make_a_body(runner):
    result = runner.invoke(args=["bodies", "list"])
    assert result.exit_code == 0
    assert "No bodies yet" in result.output and "bodies create" in result.output
