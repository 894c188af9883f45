"""`flask users ...`: staff accounts, their roles and API tokens."""
import sys

import click
import sqlalchemy as sa
from flask.cli import AppGroup

from app.core.cli import command_transaction
from app.core.time import utcnow
from app.extensions import db

users_cli = AppGroup("users", help="Manage staff accounts.")


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
    with command_transaction():
        body = None
        if body_slug:
            body = db.session.scalar(sa.select(Body).where(Body.slug == body_slug))
            if body is None:
                raise click.ClickException(f"No body with slug '{body_slug}'.")
        user = create_user(email, password, role=role, body=body, name=name, now=utcnow())
    click.echo(f"Created {user.email} ({role}{' of ' + body_slug if body_slug else ''}).")


@users_cli.command("token")
@click.argument("email")
@click.option("--label", default="cli")
def token_command(email, label):
    """Print a new API token for EMAIL (shown once; only its hash is stored)."""
    from app.accounts.services import get_user_by_email, issue_token

    with command_transaction():
        token = issue_token(get_user_by_email(email), now=utcnow(), label=label)
    click.echo(token)


@users_cli.command("revoke-tokens")
@click.argument("email")
def revoke_tokens_command(email):
    """Revoke every API token of EMAIL (for a lost laptop or a kiosk taken out of service)."""
    from app.accounts.services import get_user_by_email, revoke_user_tokens

    with command_transaction():
        revoked = revoke_user_tokens(get_user_by_email(email), now=utcnow())
    click.echo(f"Revoked {revoked} token(s) of {email}.")
