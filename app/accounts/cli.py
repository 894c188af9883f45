"""`flask users ...`: staff accounts, their roles per body, passwords and API tokens.

Every change takes effect at once: requests and privileged live events re-read the
account and its roles, and ending sessions works as signing out does.
"""
import sys

import click
from flask.cli import AppGroup

from app.core.cli import command_transaction, table
from app.core.time import utcnow

users_cli = AppGroup("users", help="Manage staff accounts.")
BODY_ROLES = ["clerk", "chair", "member"]


def read_password():
    """From standard input (a script pipes it in), or asked twice on a terminal;
    never an option, which would leave it in the shell's history and `ps`."""
    if not sys.stdin.isatty():
        return sys.stdin.readline().rstrip("\r\n")
    return click.prompt("Password", hide_input=True, confirmation_prompt=True)


def roles_text(is_admin, roles_by_slug):
    """'admin' and/or 'city-council: chair, clerk; planning: member', or '-' for none."""
    parts = ["admin"] if is_admin else []
    parts += [f"{slug}: {', '.join(sorted(roles))}" for slug, roles in sorted(roles_by_slug.items())]
    return "; ".join(parts) or "-"


@users_cli.command("create")
@click.argument("email")
@click.option("--role", type=click.Choice(["admin", *BODY_ROLES]), required=True)
@click.option("--body", "body_slug", default=None, help="Slug of the body the role is held on.")
@click.option("--name", default="", help="Display name.")
def create_user_command(email, role, body_slug, name):
    """Create a user; the password is read from standard input."""
    from app.accounts.services import create_user
    from app.meetings.services import get_body

    password = read_password()
    with command_transaction():
        body = get_body(body_slug) if body_slug else None
        user = create_user(email, password, role=role, body=body, name=name, now=utcnow())
    click.echo(f"Created {user.email} ({role}{' of ' + body_slug if body_slug else ''}).")


def _role_on_body(command):
    """EMAIL --role ROLE --body SLUG, as `grant` and `revoke-role` both take them."""
    command = click.option("--body", "body_slug", required=True, help="Slug of the body the role is held on.")(command)
    command = click.option("--role", type=click.Choice(BODY_ROLES), required=True)(command)
    return click.argument("email")(command)


def _change_role(email, role, body_slug, change, *, changed, unchanged):
    from app.accounts.services import get_user_by_email
    from app.meetings.services import get_body

    with command_transaction():
        user = get_user_by_email(email)
        done = change(user, get_body(body_slug), role)
    click.echo((changed if done else unchanged).format(email=user.email, role=role, body=body_slug))


@users_cli.command("grant")
@_role_on_body
def grant_command(email, role, body_slug):
    """Give EMAIL a role on one more body (a clerk of two bodies holds two)."""
    from app.accounts.services import grant_role

    _change_role(email, role, body_slug, grant_role, changed="{email} is now {role} of {body}.",
                 unchanged="{email} is {role} of {body} already; nothing changed.")


@users_cli.command("revoke-role")
@_role_on_body
def revoke_role_command(email, role, body_slug):
    """Take a role on one body from EMAIL; open live consoles lose it at their next action."""
    from app.accounts.services import revoke_role

    _change_role(email, role, body_slug, revoke_role, changed="{email} is no longer {role} of {body}.",
                 unchanged="{email} was not {role} of {body}; nothing changed.")


@users_cli.command("deactivate")
@click.argument("email")
def deactivate_command(email):
    """Stop EMAIL signing in: sessions end, API tokens are revoked, live consoles stop acting."""
    from app.accounts.services import deactivate_user, get_user_by_email

    with command_transaction():
        user = get_user_by_email(email)
        if not user.is_active:
            click.echo(f"{user.email} is deactivated already; nothing changed.")
            return
        revoked = deactivate_user(user, now=utcnow())
    click.echo(f"Deactivated {user.email}: its sessions ended and {revoked} API token(s) were revoked.")


@users_cli.command("activate")
@click.argument("email")
def activate_command(email):
    """Let a deactivated EMAIL sign in again (its old tokens stay revoked)."""
    from app.accounts.services import activate_user, get_user_by_email

    with command_transaction():
        user = get_user_by_email(email)
        activated = activate_user(user)
    if activated:
        click.echo(f"Activated {user.email}: it may sign in with its password; "
                   "API tokens revoked before stay revoked (issue new ones with `users token`).")
    else:
        click.echo(f"{user.email} is active already; nothing changed.")


@users_cli.command("set-password")
@click.argument("email")
def set_password_command(email):
    """Set EMAIL's password, read from standard input; its sessions end, as on signing out."""
    from app.accounts.services import get_user_by_email, set_password

    password = read_password()
    with command_transaction():
        user = get_user_by_email(email)
        set_password(user, password, now=utcnow())
    click.echo(f"Set the password of {user.email}; every session it had open has ended "
               "(API tokens are unchanged: `users revoke-tokens` revokes them).")


@users_cli.command("list")
def list_command():
    """List every account: e-mail, name, whether it is active, and its roles per body."""
    from app.accounts.services import list_users

    users = list_users()
    if not users:
        click.echo("No accounts yet: create one with `flask --app wsgi users create EMAIL --role ...`.")
        return
    rows = []
    for user in users:
        roles_by_slug = {}
        for membership in user.memberships:
            roles_by_slug.setdefault(membership.body.slug, set()).add(membership.role.value)
        rows.append([user.email, user.name or "-", "yes" if user.is_active else "no",
                     roles_text(user.is_admin, roles_by_slug)])
    for line in table(["email", "name", "active", "roles"], rows):
        click.echo(line)


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
