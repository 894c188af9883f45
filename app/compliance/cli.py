"""`flask compliance verify`: recompute the hash chains of the compliance log."""
import sys

import click
import sqlalchemy as sa
from flask.cli import AppGroup

from app.extensions import db

compliance_cli = AppGroup("compliance", help="Check the compliance log.")


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
