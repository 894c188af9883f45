"""`flask bodies ...`: the bodies (a council, a commission) that meetings and staff roles belong to.

A fresh installation has none, and `users create --role clerk --body SLUG` needs one,
so the first body is made here rather than only on the admin page.
"""
import click
import sqlalchemy as sa
from flask.cli import AppGroup

from app.compliance.rules import PACK_IDS
from app.core.cli import command_transaction, table
from app.core.time import utcnow
from app.extensions import db
from app.meetings.models import Body, CommentPolicy

bodies_cli = AppGroup("bodies", help="Manage bodies (a council, a commission).")

# Body settings are no meeting's event, so nothing is logged; "system" is how the log
# names an actor that is not a staff account (compliance.services.actor_label).
CLI_ACTOR = "system"


@bodies_cli.command("create")
@click.argument("slug")
@click.option("--name", required=True, help="The body's name, as the public pages show it.")
@click.option("--timezone", required=True, help="IANA timezone its meetings are held in, e.g. America/Los_Angeles.")
@click.option("--rules", "rule_pack", required=True,
              help=f"The open-meeting rule pack its posting deadlines follow: {', '.join(PACK_IDS)}.")
@click.option("--comment-seconds", type=int, default=None,
              help="Speaking time per speaker in public comment, 10 to 3600 (default 180).")
@click.option("--policy", "comment_policy", type=click.Choice([policy.value for policy in CommentPolicy]),
              default=None, help="Order of the public-comment queue (default fifo).")
def create_body_command(slug, name, timezone, rule_pack, comment_seconds, comment_policy):
    """Create the body SLUG with the standard agenda template.

    SLUG is lower-case letters, digits and single hyphens: it appears in the body's
    addresses and in `users create --body SLUG`.
    """
    from app.meetings.services import create_body

    # Only what was given, so the defaults stay the service's (as for POST /api/v1/bodies).
    options = {key: value for key, value in (("comment_seconds", comment_seconds),
                                             ("comment_policy", comment_policy)) if value is not None}
    with command_transaction():
        body = create_body(slug=slug, name=name, timezone=timezone, rule_pack=rule_pack, **options,
                           actor=CLI_ACTOR, now=utcnow())
    click.echo(f"Created body {body.slug} ({body.name}): timezone {body.timezone}, rules {body.rule_pack}, "
               f"{body.comment_seconds} s per speaker, {body.comment_policy.value} order.")


@bodies_cli.command("list")
def list_bodies_command():
    """List every body: slug, name, timezone and rule pack."""
    bodies = db.session.scalars(sa.select(Body).order_by(Body.slug)).all()
    if not bodies:
        click.echo("No bodies yet: create one with `flask --app wsgi bodies create SLUG ...`.")
        return
    for line in table(["slug", "name", "timezone", "rules"],
                      [[body.slug, body.name, body.timezone, body.rule_pack] for body in bodies]):
        click.echo(line)
