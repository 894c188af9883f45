"""The demo city: `flask --app wsgi seed-demo` (idempotent)."""
import click


@click.command("seed-demo")
def seed_demo_command():
    """Seed the demo city (body city-council, staff users, meetings) if it is missing."""
    raise click.ClickException("The demo city is not built yet.")
