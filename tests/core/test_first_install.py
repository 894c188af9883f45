"""docs/deploy.md's first-install steps, run in the order written on an empty database."""
import re
import shlex
from pathlib import Path

import sqlalchemy as sa

from app.accounts.models import User
from app.extensions import db
from tests.factories import PASSWORD

DEPLOY = Path(__file__).resolve().parents[2] / "docs" / "deploy.md"


def section_commands(number):
    """The `flask --app wsgi ...` arguments in the shell blocks of one section, in order."""
    text = DEPLOY.read_text(encoding="utf-8")
    section = re.search(rf"^## {number}\. .*?(?=^## )", text, re.S | re.M).group(0)
    commands = []
    for block in re.findall(r"```sh\n(.*?)```", section, re.S):
        for line in block.replace("\\\n", " ").splitlines():
            # Each runs as `sudo -u dais sh -c '... flask --app wsgi ARGS'`.
            commands += [shlex.split(args) for args in re.findall(r"flask --app wsgi ([^']*)'", line)]
    return commands


def test_the_first_install_steps_work_in_order_on_an_empty_database(runner):
    commands = section_commands(3)
    assert [args[:2] for args in commands] == [
        ["db", "upgrade"], ["bodies", "create"], ["users", "create"], ["users", "create"]]
    for args in commands[1:]:  # the test database is made by create_all, not by migrations
        result = runner.invoke(args=args, input=PASSWORD + "\n")
        assert result.exit_code == 0, (args, result.output)
    clerk = db.session.scalar(sa.select(User).where(User.email == "clerk@example.gov"))
    [membership] = clerk.memberships
    assert (membership.body.slug, membership.role.value) == ("city-council", "clerk")
