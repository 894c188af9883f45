"""`flask packets build MEETING_ID`: build a meeting's agenda and packet PDFs now, in this process."""
import click
from flask.cli import AppGroup

packets_cli = AppGroup("packets", help="Agenda and packet PDFs.")


@packets_cli.command("build")
@click.argument("meeting_id", type=int)
@click.option("--force", is_flag=True, help="Build even if this agenda version was already built.")
def build_command(meeting_id, force):
    """Build the packet of MEETING_ID synchronously; exit 1 if the build fails."""
    from app.packets.models import BuildStatus
    from app.packets.tasks import build_packet

    build = build_packet(meeting_id, force=force)
    if build is None:
        click.echo(f"Nothing to build for meeting {meeting_id}: it has no published agenda, "
                   "or this version is already built (use --force).")
        return
    if build.status != BuildStatus.READY:
        raise click.ClickException(f"Packet build failed: {build.reason}")
    click.echo(f"Built meeting {meeting_id}, agenda version {build.version_number}: agenda "
               f"{build.agenda_pages} pages, packet {build.packet_pages} pages "
               f"({build.pieces_rendered} pieces rendered, {build.pieces_reused} reused).")
