"""What the CLI commands share: a transaction whose domain errors end the command."""
from contextlib import contextmanager

import click

from app.core.db import transaction
from app.core.errors import DomainError


@contextmanager
def command_transaction():
    """`transaction()` for a command: a DomainError rolls back and exits 1 with its message,
    the same words the API and the pages would show."""
    try:
        with transaction():
            yield
    except DomainError as exc:
        raise click.ClickException(exc.message) from None


def table(headers, rows):
    """Lines of left-aligned columns, as `ls -l` prints them: for people, not for parsing."""
    rows = [[str(cell) for cell in row] for row in rows]
    widths = [max(len(row[i]) for row in [headers, *rows]) for i in range(len(headers))]
    return ["  ".join(cell.ljust(width) for cell, width in zip(row, widths)).rstrip()
            for row in [headers, *rows]]
