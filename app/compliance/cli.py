"""`flask compliance verify`: recompute the hash chains of the compliance log, in this
installation's database or in an exported file."""
import json
import sys

import click
import sqlalchemy as sa
from flask.cli import AppGroup

from app.compliance import chain
from app.extensions import db

compliance_cli = AppGroup("compliance", help="Check the compliance log.")


@compliance_cli.command("verify")
@click.option("--meeting", "meeting_id", type=int, default=None, help="Verify one meeting only.")
@click.option("--file", "export_file", type=click.File("rb"), default=None,
              help="Verify an exported log instead (the JSON of /api/v1/meetings/<id>/compliance; "
                   "'-' reads standard input), and compare it with this database's log of the meeting.")
@click.option("--no-database", is_flag=True,
              help="With --file: check the file alone, without comparing it with this database.")
def verify_command(meeting_id, export_file, no_database):
    """Recompute every hash chain; exit 1 and name the first bad entry if any."""
    if export_file is not None:
        if meeting_id is not None:
            raise click.UsageError("--meeting and --file cannot be combined: the export names its meeting.")
        verify_export(export_file, compare=not no_database)
    elif no_database:
        raise click.UsageError("--no-database goes with --file.")
    else:
        verify_database(meeting_id)


def verify_database(meeting_id):
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


def verify_export(export_file, *, compare):
    """The file alone first: it needs nothing but the published algorithm. Then, when this
    database holds the meeting, whether its log still holds the file's last entry."""
    name = getattr(export_file, "name", "<stdin>")
    try:
        document = json.load(export_file)
    except (ValueError, RecursionError) as error:  # not JSON, not UTF-8, or nested past the parser
        raise click.ClickException(f"{name} is not a JSON document: {error}") from None
    try:
        meeting_id, entries = chain.read_export(document)
    except ValueError as error:
        raise click.ClickException(f"{name}: {error}") from None
    problem = chain.verify(meeting_id, entries)
    if problem is not None:
        click.echo(f"{name}: meeting {meeting_id}: TAMPERED at {problem}", err=True)
        sys.exit(1)
    last = f"its last entry is seq {entries[-1]['seq']}, hash {entries[-1]['hash']}" if entries else "it has no entries"
    click.echo(f"OK: {name}: the exported log of meeting {meeting_id} verified, {len(entries)} entries, "
               f"every hash and link recomputed; {last}.")
    if compare:
        compare_with_database(meeting_id, entries)


def compare_with_database(meeting_id, exported):
    from app.compliance.services import entries_for, export_entry
    from app.meetings.models import Meeting

    try:
        held = db.session.get(Meeting, meeting_id) is not None
        stored = [export_entry(entry) for entry in entries_for(meeting_id)] if held else None
    except sa.exc.SQLAlchemyError as error:
        # An auditor's copy of Dais may have no database at all: the file's check stands alone.
        db.session.rollback()
        reason = str(error.orig if getattr(error, "orig", None) else error).splitlines()[0]
        click.echo(f"Not compared with a database: this installation's database could not be read ({reason}).")
        return
    if stored is None:
        click.echo(f"Not compared with a database: this installation holds no meeting {meeting_id}.")
        return
    problem = chain.verify(meeting_id, stored)
    if problem is not None:
        click.echo(f"meeting {meeting_id}: TAMPERED at {problem} (in this database)", err=True)
        sys.exit(1)
    problem = chain.compare_with_export(stored, exported)
    if problem is not None:
        click.echo(f"meeting {meeting_id}: this database's log no longer holds the export: {problem}", err=True)
        sys.exit(1)
    click.echo(f"OK: this database's log of meeting {meeting_id} still holds every entry of the export, "
               f"unchanged, and {len(stored) - len(exported)} entries recorded since.")
