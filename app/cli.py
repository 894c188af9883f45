"""Registers the Flask CLI commands, which live beside their feature: users
(accounts/cli.py), bodies (meetings/cli.py), compliance (compliance/cli.py),
packets (packets/cli.py), seed-demo (demo.py)."""


def init_app(app):
    from app import demo
    from app.accounts.cli import users_cli
    from app.compliance.cli import compliance_cli
    from app.meetings.cli import bodies_cli
    from app.packets.cli import packets_cli

    app.cli.add_command(users_cli)
    app.cli.add_command(bodies_cli)
    app.cli.add_command(compliance_cli)
    app.cli.add_command(demo.seed_demo_command)
    app.cli.add_command(packets_cli)
