"""Flask CLI commands: users, compliance verify (seed-demo lives in app/demo.py)."""
import sys

import click
import sqlalchemy as sa
from flask.cli import AppGroup

from app.core.db import transaction
from app.core.errors import DomainError
from app.core.time import utcnow
from app.extensions import db

users_cli = AppGroup("users", help="Manage staff accounts.")
compliance_cli = AppGroup("compliance", help="Check the compliance log.")


@users_cli.command("create")
@click.argument("email")
@click.option("--role", type=click.Choice(["admin", "clerk", "chair", "member"]), required=True)
@click.option("--body", "body_slug", default=None, help="Slug of the body the role is held on.")
@click.option("--name", default="", help="Display name.")
def create_user_command(email, role, body_slug, name):
    """Create a user; the password is read from standard input."""
    from app.accounts.services import create_user
    from app.meetings.models import Body

    password = sys.stdin.readline().rstrip("\r\n") if not sys.stdin.isatty() else click.prompt(
        "Password", hide_input=True, confirmation_prompt=True)
    try:
        with transaction():
            body = None
            if body_slug:
                body = db.session.scalar(sa.select(Body).where(Body.slug == body_slug))
                if body is None:
                    raise click.ClickException(f"No body with slug '{body_slug}'.")
            user = create_user(email, password, role=role, body=body, name=name, now=utcnow())
    except DomainError as exc:
        raise click.ClickException(exc.message) from None
    click.echo(f"Created {user.email} ({role}{' of ' + body_slug if body_slug else ''}).")


@users_cli.command("token")
@click.argument("email")
@click.option("--label", default="cli")
def token_command(email, label):
    """Print a new API token for EMAIL (shown once; only its hash is stored)."""
    from app.accounts.services import get_user_by_email, issue_token

    try:
        with transaction():
            token = issue_token(get_user_by_email(email), now=utcnow(), label=label)
    except DomainError as exc:
        raise click.ClickException(exc.message) from None
    click.echo(token)


@users_cli.command("revoke-tokens")
@click.argument("email")
def revoke_tokens_command(email):
    """Revoke every API token of EMAIL (for a lost laptop or a kiosk taken out of service)."""
    from app.accounts.services import get_user_by_email, revoke_user_tokens

    try:
        with transaction():
            revoked = revoke_user_tokens(get_user_by_email(email), now=utcnow())
    except DomainError as exc:
        raise click.ClickException(exc.message) from None
    click.echo(f"Revoked {revoked} token(s) of {email}.")


@compliance_cli.command("verify")
@click.option("--meeting", "meeting_id", type=int, default=None, help="Verify one meeting only.")
def verify_command(meeting_id):
    """Recompute every hash chain; exit 1 and name the first bad entry if any."""
    from app.compliance.models import ComplianceEntry
    from app.compliance.services import verify_meeting
    from app.meetings.models import Meeting

    if meeting_id is not None:
        if db.session.get(Meeting, meeting_id) is None:
            raise click.ClickException(f"No meeting with id {meeting_id}.")
        meeting_ids = [meeting_id]
    else:
        meeting_ids = sorted(set(db.session.scalars(sa.select(Meeting.id)))
                             | set(db.session.scalars(sa.select(ComplianceEntry.meeting_id))))
    checked = 0
    for mid in meeting_ids:
        intact, problem = verify_meeting(mid)
        if not intact:
            click.echo(f"meeting {mid}: TAMPERED at {problem}", err=True)
            sys.exit(1)
        checked += 1
    click.echo(f"OK: {checked} meeting log(s) verified, every hash recomputed.")


def init_app(app):
    app.cli.add_command(users_cli)
    app.cli.add_command(compliance_cli)
    from app import demo
    from app.packets.cli import packets_cli

    app.cli.add_command(demo.seed_demo_command)
    app.cli.add_command(packets_cli)
