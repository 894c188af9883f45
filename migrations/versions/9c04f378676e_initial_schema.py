"""Initial schema: every table, and the insert-only guard on the compliance log.

On PostgreSQL a trigger refuses UPDATE and DELETE on compliance_entries, so the
database itself keeps the log append-only (SQLite has no equivalent; there the
hash chain alone detects tampering).

Revision ID: 9c04f378676e
Revises:
Create Date: 2026-11-22 03:05:04.758339

"""
import sqlalchemy as sa
from alembic import op

from app.core.db import UTCDateTime

# revision identifiers, used by Alembic.
revision = '9c04f378676e'
down_revision = None
branch_labels = None
depends_on = None

# Copied from app/compliance/models.py at the time of this revision: a migration
# must keep doing what it did even if the model module changes later.
INSERT_ONLY_FUNCTION = """CREATE OR REPLACE FUNCTION compliance_entries_insert_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'compliance_entries is insert-only: % refused', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql
"""
INSERT_ONLY_TRIGGER = """CREATE TRIGGER compliance_entries_insert_only
BEFORE UPDATE OR DELETE ON compliance_entries
FOR EACH ROW EXECUTE FUNCTION compliance_entries_insert_only()
"""
DROP_TRIGGER = 'DROP TRIGGER IF EXISTS compliance_entries_insert_only ON compliance_entries'
DROP_FUNCTION = 'DROP FUNCTION IF EXISTS compliance_entries_insert_only()'


def is_postgresql():
    return op.get_bind().dialect.name == "postgresql"


def upgrade():
    op.create_table('bodies',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('slug', sa.String(length=80), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('timezone', sa.String(length=64), nullable=False),
    sa.Column('rule_pack', sa.String(length=40), nullable=False),
    sa.Column('comment_seconds', sa.Integer(), nullable=False),
    sa.Column('comment_policy', sa.Enum('fifo', 'alternate', 'in_person_first', name='commentpolicy', native_enum=False, length=19), nullable=False),
    sa.Column('agenda_template', sa.JSON(), nullable=False),
    sa.Column('generic_notice_hours', sa.Integer(), nullable=False),
    sa.Column('default_thresholds', sa.JSON(), nullable=False),
    sa.Column('created_at', UTCDateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_bodies')),
    sa.UniqueConstraint('slug', name=op.f('uq_bodies_slug'))
    )
    op.create_table('users',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('email', sa.String(length=254), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('password_hash', sa.String(length=255), nullable=False),
    sa.Column('is_admin', sa.Boolean(), nullable=False),
    sa.Column('is_active_account', sa.Boolean(), nullable=False),
    sa.Column('created_at', UTCDateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_users')),
    sa.UniqueConstraint('email', name=op.f('uq_users_email'))
    )
    op.create_table('api_tokens',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('label', sa.String(length=100), nullable=False),
    sa.Column('created_at', UTCDateTime(), nullable=False),
    sa.Column('last_used_at', UTCDateTime(), nullable=True),
    sa.Column('revoked_at', UTCDateTime(), nullable=True),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_api_tokens_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_api_tokens')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_api_tokens_token_hash'))
    )
    with op.batch_alter_table('api_tokens', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_api_tokens_user_id'), ['user_id'], unique=False)

    op.create_table('meetings',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('body_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.Enum('regular', 'special', 'emergency', name='meetingkind', native_enum=False, length=13), nullable=False),
    sa.Column('title', sa.String(length=300), nullable=False),
    sa.Column('start_at', UTCDateTime(), nullable=False),
    sa.Column('end_at', UTCDateTime(), nullable=True),
    sa.Column('location', sa.String(length=500), nullable=False),
    sa.Column('remote_url', sa.String(length=500), nullable=False),
    sa.Column('dial_in', sa.String(length=200), nullable=False),
    sa.Column('remote_instructions', sa.Text(), nullable=False),
    sa.Column('accommodation_notice', sa.Text(), nullable=False),
    sa.Column('status', sa.Enum('draft', 'published', 'in_progress', 'recessed', 'adjourned', 'cancelled', 'postponed', name='meetingstatus', native_enum=False, length=15), nullable=False),
    sa.Column('sequence', sa.Integer(), nullable=False),
    sa.Column('state_version', sa.Integer(), nullable=False),
    sa.Column('created_at', UTCDateTime(), nullable=False),
    sa.Column('revised_at', UTCDateTime(), nullable=False),
    sa.Column('has_unpublished_changes', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['body_id'], ['bodies.id'], name=op.f('fk_meetings_body_id_bodies')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_meetings'))
    )
    with op.batch_alter_table('meetings', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_meetings_body_id'), ['body_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_meetings_start_at'), ['start_at'], unique=False)

    op.create_table('members',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('body_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('title', sa.String(length=100), nullable=False),
    sa.Column('seat', sa.String(length=100), nullable=False),
    sa.Column('sort_order', sa.Integer(), nullable=False),
    sa.Column('is_active', sa.Boolean(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['body_id'], ['bodies.id'], name=op.f('fk_members_body_id_bodies'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_members_user_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_members'))
    )
    with op.batch_alter_table('members', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_members_body_id'), ['body_id'], unique=False)

    op.create_table('memberships',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('body_id', sa.Integer(), nullable=False),
    sa.Column('role', sa.Enum('admin', 'clerk', 'chair', 'member', name='role', native_enum=False, length=10), nullable=False),
    sa.ForeignKeyConstraint(['body_id'], ['bodies.id'], name=op.f('fk_memberships_body_id_bodies'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_memberships_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_memberships')),
    sa.UniqueConstraint('user_id', 'body_id', 'role', name=op.f('uq_memberships_user_id_body_id_role'))
    )
    with op.batch_alter_table('memberships', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_memberships_body_id'), ['body_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_memberships_user_id'), ['user_id'], unique=False)

    op.create_table('minutes_body_seats',
    sa.Column('body_id', sa.Integer(), nullable=False),
    sa.Column('seats', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['body_id'], ['bodies.id'], name=op.f('fk_minutes_body_seats_body_id_bodies'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('body_id', name=op.f('pk_minutes_body_seats'))
    )
    op.create_table('agenda_sections',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('meeting_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('kind', sa.Enum('ceremonial', 'public_comment', 'consent', 'public_hearing', 'business', 'closed_session', 'reports', name='sectionkind', native_enum=False, length=18), nullable=False),
    sa.ForeignKeyConstraint(['meeting_id'], ['meetings.id'], name=op.f('fk_agenda_sections_meeting_id_meetings'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_agenda_sections'))
    )
    with op.batch_alter_table('agenda_sections', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_agenda_sections_meeting_id'), ['meeting_id'], unique=False)

    op.create_table('agenda_versions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('meeting_id', sa.Integer(), nullable=False),
    sa.Column('content', sa.JSON(), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('content_hash', sa.String(length=64), nullable=False),
    sa.Column('posted_at', UTCDateTime(), nullable=False),
    sa.Column('posted_by_id', sa.Integer(), nullable=True),
    sa.Column('deadline_at', UTCDateTime(), nullable=True),
    sa.Column('override_reason', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['meeting_id'], ['meetings.id'], name=op.f('fk_agenda_versions_meeting_id_meetings'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['posted_by_id'], ['users.id'], name=op.f('fk_agenda_versions_posted_by_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_agenda_versions')),
    sa.UniqueConstraint('meeting_id', 'number', name=op.f('uq_agenda_versions_meeting_id_number'))
    )
    with op.batch_alter_table('agenda_versions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_agenda_versions_meeting_id'), ['meeting_id'], unique=False)

    op.create_table('compliance_entries',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('meeting_id', sa.Integer(), nullable=False),
    sa.Column('seq', sa.Integer(), nullable=False),
    sa.Column('prev_hash', sa.String(length=64), nullable=False),
    sa.Column('hash', sa.String(length=64), nullable=False),
    sa.Column('recorded_at', sa.String(length=40), nullable=False),
    sa.Column('actor', sa.String(length=300), nullable=False),
    sa.Column('tag', sa.String(length=60), nullable=False),
    sa.Column('data', sa.JSON(), nullable=False),
    sa.ForeignKeyConstraint(['meeting_id'], ['meetings.id'], name=op.f('fk_compliance_entries_meeting_id_meetings')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_compliance_entries')),
    sa.UniqueConstraint('meeting_id', 'seq', name=op.f('uq_compliance_entries_meeting_id_seq'))
    )
    with op.batch_alter_table('compliance_entries', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_compliance_entries_meeting_id'), ['meeting_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_compliance_entries_tag'), ['tag'], unique=False)

    op.create_table('minutes_attendance',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('meeting_id', sa.Integer(), nullable=False),
    sa.Column('member_id', sa.Integer(), nullable=False),
    sa.Column('status', sa.Enum('present', 'absent', name='attendancestatus', native_enum=False, length=11), nullable=False),
    sa.Column('mode', sa.Enum('in_person', 'remote', name='attendancemode', native_enum=False, length=13), nullable=False),
    sa.Column('remote_basis', sa.String(length=500), nullable=False),
    sa.Column('arrived_at', UTCDateTime(), nullable=True),
    sa.Column('left_at', UTCDateTime(), nullable=True),
    sa.Column('recorded_at', UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['meeting_id'], ['meetings.id'], name=op.f('fk_minutes_attendance_meeting_id_meetings'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['member_id'], ['members.id'], name=op.f('fk_minutes_attendance_member_id_members'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_minutes_attendance')),
    sa.UniqueConstraint('meeting_id', 'member_id', name=op.f('uq_minutes_attendance_meeting_id_member_id'))
    )
    with op.batch_alter_table('minutes_attendance', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_minutes_attendance_meeting_id'), ['meeting_id'], unique=False)

    op.create_table('minutes_events',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('meeting_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.Enum('call_to_order', 'recess', 'reconvene', 'adjourn', 'remote_access_down', 'remote_access_restored', 'closed_session', 'closed_session_report', name='eventkind', native_enum=False, length=26), nullable=False),
    sa.Column('occurred_at', UTCDateTime(), nullable=False),
    sa.Column('actor_id', sa.Integer(), nullable=True),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('item_ids', sa.JSON(), nullable=False),
    sa.ForeignKeyConstraint(['actor_id'], ['users.id'], name=op.f('fk_minutes_events_actor_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['meeting_id'], ['meetings.id'], name=op.f('fk_minutes_events_meeting_id_meetings'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_minutes_events'))
    )
    with op.batch_alter_table('minutes_events', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_minutes_events_meeting_id'), ['meeting_id'], unique=False)

    op.create_table('minutes_revisions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('meeting_id', sa.Integer(), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('html', sa.Text(), nullable=False),
    sa.Column('content_hash', sa.String(length=64), nullable=False),
    sa.Column('author_id', sa.Integer(), nullable=True),
    sa.Column('created_at', UTCDateTime(), nullable=False),
    sa.Column('corrects_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['author_id'], ['users.id'], name=op.f('fk_minutes_revisions_author_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['corrects_id'], ['minutes_revisions.id'], name=op.f('fk_minutes_revisions_corrects_id_minutes_revisions')),
    sa.ForeignKeyConstraint(['meeting_id'], ['meetings.id'], name=op.f('fk_minutes_revisions_meeting_id_meetings'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_minutes_revisions')),
    sa.UniqueConstraint('meeting_id', 'number', name=op.f('uq_minutes_revisions_meeting_id_number'))
    )
    with op.batch_alter_table('minutes_revisions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_minutes_revisions_meeting_id'), ['meeting_id'], unique=False)

    op.create_table('packet_builds',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('meeting_id', sa.Integer(), nullable=False),
    sa.Column('version_number', sa.Integer(), nullable=False),
    sa.Column('content_hash', sa.String(length=64), nullable=False),
    sa.Column('build_key', sa.String(length=64), nullable=False),
    sa.Column('status', sa.Enum('building', 'ready', 'failed', name='buildstatus', native_enum=False, length=12), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('agenda_pages', sa.Integer(), nullable=False),
    sa.Column('packet_pages', sa.Integer(), nullable=False),
    sa.Column('agenda_bytes', sa.Integer(), nullable=False),
    sa.Column('packet_bytes', sa.Integer(), nullable=False),
    sa.Column('pieces_rendered', sa.Integer(), nullable=False),
    sa.Column('pieces_reused', sa.Integer(), nullable=False),
    sa.Column('started_at', UTCDateTime(), nullable=False),
    sa.Column('finished_at', UTCDateTime(), nullable=True),
    sa.ForeignKeyConstraint(['meeting_id'], ['meetings.id'], name=op.f('fk_packet_builds_meeting_id_meetings'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_packet_builds'))
    )
    with op.batch_alter_table('packet_builds', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_packet_builds_build_key'), ['build_key'], unique=False)
        batch_op.create_index(batch_op.f('ix_packet_builds_meeting_id'), ['meeting_id'], unique=False)

    op.create_table('agenda_items',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('meeting_id', sa.Integer(), nullable=False),
    sa.Column('section_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=500), nullable=False),
    sa.Column('body_html', sa.Text(), nullable=False),
    sa.Column('recommended_action', sa.Text(), nullable=False),
    sa.Column('department', sa.String(length=200), nullable=False),
    sa.Column('fiscal_impact', sa.Text(), nullable=False),
    sa.Column('accepts_public_comment', sa.Boolean(), nullable=False),
    sa.Column('estimated_minutes', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['meeting_id'], ['meetings.id'], name=op.f('fk_agenda_items_meeting_id_meetings'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['section_id'], ['agenda_sections.id'], name=op.f('fk_agenda_items_section_id_agenda_sections'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_agenda_items'))
    )
    with op.batch_alter_table('agenda_items', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_agenda_items_meeting_id'), ['meeting_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_agenda_items_section_id'), ['section_id'], unique=False)

    op.create_table('attachments',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('item_id', sa.Integer(), nullable=False),
    sa.Column('filename', sa.String(length=255), nullable=False),
    sa.Column('title', sa.String(length=300), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('size_bytes', sa.Integer(), nullable=False),
    sa.Column('page_count', sa.Integer(), nullable=False),
    sa.Column('uploaded_at', UTCDateTime(), nullable=False),
    sa.Column('uploaded_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['item_id'], ['agenda_items.id'], name=op.f('fk_attachments_item_id_agenda_items'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['uploaded_by_id'], ['users.id'], name=op.f('fk_attachments_uploaded_by_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_attachments'))
    )
    with op.batch_alter_table('attachments', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_attachments_item_id'), ['item_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_attachments_sha256'), ['sha256'], unique=False)

    op.create_table('live_queue_entries',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('meeting_id', sa.Integer(), nullable=False),
    sa.Column('item_id', sa.Integer(), nullable=True),
    sa.Column('item_key', sa.Integer(), nullable=False),
    sa.Column('channel', sa.Enum('remote', 'in_person', name='channel', native_enum=False, length=13), nullable=False),
    sa.Column('display_name', sa.String(length=60), nullable=True),
    sa.Column('stance', sa.Enum('support', 'oppose', 'neutral', name='stance', native_enum=False, length=11), nullable=True),
    sa.Column('needs_interpreter', sa.Boolean(), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=True),
    sa.Column('status', sa.Enum('waiting', 'speaking', 'done', 'skipped', 'removed', 'left', name='entrystatus', native_enum=False, length=12), nullable=False),
    sa.Column('signed_up_at', UTCDateTime(), nullable=False),
    sa.Column('called_at', UTCDateTime(), nullable=True),
    sa.Column('called_seq', sa.Integer(), nullable=True),
    sa.Column('finished_at', UTCDateTime(), nullable=True),
    sa.Column('allotted_seconds', sa.Integer(), nullable=True),
    sa.Column('used_seconds', sa.Integer(), nullable=True),
    sa.Column('added_by_id', sa.Integer(), nullable=True),
    sa.Column('removal_reason', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['added_by_id'], ['users.id'], name=op.f('fk_live_queue_entries_added_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['item_id'], ['agenda_items.id'], name=op.f('fk_live_queue_entries_item_id_agenda_items'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['meeting_id'], ['meetings.id'], name=op.f('fk_live_queue_entries_meeting_id_meetings'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_live_queue_entries'))
    )
    with op.batch_alter_table('live_queue_entries', schema=None) as batch_op:
        batch_op.create_index('ix_live_queue_entries_meeting_status', ['meeting_id', 'status'], unique=False)
        batch_op.create_index(batch_op.f('ix_live_queue_entries_token_hash'), ['token_hash'], unique=False)
        batch_op.create_index('uq_live_queue_entries_participant_item', ['meeting_id', 'item_key', 'token_hash'], unique=True, sqlite_where=sa.text("token_hash IS NOT NULL AND status != 'left'"), postgresql_where=sa.text("token_hash IS NOT NULL AND status != 'left'"))

    op.create_table('minutes_motions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('meeting_id', sa.Integer(), nullable=False),
    sa.Column('item_id', sa.Integer(), nullable=False),
    sa.Column('covered_item_ids', sa.JSON(), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('kind', sa.Enum('main', 'amendment', 'substitute', 'table', 'reconsider', name='motionkind', native_enum=False, length=14), nullable=False),
    sa.Column('threshold', sa.Enum('majority_of_votes_cast', 'majority_of_full_body', 'two_thirds', name='threshold', native_enum=False, length=26), nullable=False),
    sa.Column('mover_id', sa.Integer(), nullable=False),
    sa.Column('seconder_id', sa.Integer(), nullable=True),
    sa.Column('made_at', UTCDateTime(), nullable=False),
    sa.Column('made_by_id', sa.Integer(), nullable=True),
    sa.Column('result', sa.Enum('adopted', 'failed', name='motionresult', native_enum=False, length=11), nullable=True),
    sa.Column('vote_method', sa.String(length=20), nullable=True),
    sa.Column('voted_at', UTCDateTime(), nullable=True),
    sa.Column('override_reason', sa.Text(), nullable=False),
    sa.Column('overridden_guards', sa.JSON(), nullable=False),
    sa.ForeignKeyConstraint(['item_id'], ['agenda_items.id'], name=op.f('fk_minutes_motions_item_id_agenda_items'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['made_by_id'], ['users.id'], name=op.f('fk_minutes_motions_made_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['meeting_id'], ['meetings.id'], name=op.f('fk_minutes_motions_meeting_id_meetings'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['mover_id'], ['members.id'], name=op.f('fk_minutes_motions_mover_id_members')),
    sa.ForeignKeyConstraint(['seconder_id'], ['members.id'], name=op.f('fk_minutes_motions_seconder_id_members')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_minutes_motions'))
    )
    with op.batch_alter_table('minutes_motions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_minutes_motions_item_id'), ['item_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_minutes_motions_meeting_id'), ['meeting_id'], unique=False)

    op.create_table('minutes_recusals',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('meeting_id', sa.Integer(), nullable=False),
    sa.Column('item_id', sa.Integer(), nullable=False),
    sa.Column('member_id', sa.Integer(), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('declared_at', UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['item_id'], ['agenda_items.id'], name=op.f('fk_minutes_recusals_item_id_agenda_items'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['meeting_id'], ['meetings.id'], name=op.f('fk_minutes_recusals_meeting_id_meetings'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['member_id'], ['members.id'], name=op.f('fk_minutes_recusals_member_id_members')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_minutes_recusals')),
    sa.UniqueConstraint('item_id', 'member_id', name=op.f('uq_minutes_recusals_item_id_member_id'))
    )
    with op.batch_alter_table('minutes_recusals', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_minutes_recusals_meeting_id'), ['meeting_id'], unique=False)

    op.create_table('live_states',
    sa.Column('meeting_id', sa.Integer(), nullable=False),
    sa.Column('current_item_id', sa.Integer(), nullable=True),
    sa.Column('is_comment_open', sa.Boolean(), nullable=False),
    sa.Column('comment_item_id', sa.Integer(), nullable=True),
    sa.Column('seconds_per_speaker', sa.Integer(), nullable=False),
    sa.Column('comment_opened_at', UTCDateTime(), nullable=True),
    sa.Column('comment_period_seconds', sa.Integer(), nullable=True),
    sa.Column('speaker_entry_id', sa.Integer(), nullable=True),
    sa.Column('timer_allotted_seconds', sa.Integer(), nullable=False),
    sa.Column('timer_started_at', UTCDateTime(), nullable=True),
    sa.Column('timer_paused_at', UTCDateTime(), nullable=True),
    sa.Column('timer_paused_seconds', sa.Float(), nullable=False),
    sa.ForeignKeyConstraint(['comment_item_id'], ['agenda_items.id'], name=op.f('fk_live_states_comment_item_id_agenda_items'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['current_item_id'], ['agenda_items.id'], name=op.f('fk_live_states_current_item_id_agenda_items'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['meeting_id'], ['meetings.id'], name=op.f('fk_live_states_meeting_id_meetings'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['speaker_entry_id'], ['live_queue_entries.id'], name=op.f('fk_live_states_speaker_entry_id_live_queue_entries'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('meeting_id', name=op.f('pk_live_states'))
    )
    op.create_table('minutes_approvals',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('meeting_id', sa.Integer(), nullable=False),
    sa.Column('revision_id', sa.Integer(), nullable=False),
    sa.Column('motion_id', sa.Integer(), nullable=False),
    sa.Column('approved_at', UTCDateTime(), nullable=False),
    sa.Column('approved_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['approved_by_id'], ['users.id'], name=op.f('fk_minutes_approvals_approved_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['meeting_id'], ['meetings.id'], name=op.f('fk_minutes_approvals_meeting_id_meetings'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['motion_id'], ['minutes_motions.id'], name=op.f('fk_minutes_approvals_motion_id_minutes_motions')),
    sa.ForeignKeyConstraint(['revision_id'], ['minutes_revisions.id'], name=op.f('fk_minutes_approvals_revision_id_minutes_revisions')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_minutes_approvals')),
    sa.UniqueConstraint('revision_id', name=op.f('uq_minutes_approvals_revision_id'))
    )
    with op.batch_alter_table('minutes_approvals', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_minutes_approvals_meeting_id'), ['meeting_id'], unique=False)

    op.create_table('minutes_votes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('motion_id', sa.Integer(), nullable=False),
    sa.Column('member_id', sa.Integer(), nullable=False),
    sa.Column('choice', sa.Enum('aye', 'no', 'abstain', 'absent', 'recused', name='votechoice', native_enum=False, length=11), nullable=False),
    sa.ForeignKeyConstraint(['member_id'], ['members.id'], name=op.f('fk_minutes_votes_member_id_members')),
    sa.ForeignKeyConstraint(['motion_id'], ['minutes_motions.id'], name=op.f('fk_minutes_votes_motion_id_minutes_motions'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_minutes_votes')),
    sa.UniqueConstraint('motion_id', 'member_id', name=op.f('uq_minutes_votes_motion_id_member_id'))
    )
    with op.batch_alter_table('minutes_votes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_minutes_votes_motion_id'), ['motion_id'], unique=False)

    if is_postgresql():
        op.execute(INSERT_ONLY_FUNCTION)
        op.execute(INSERT_ONLY_TRIGGER)


def downgrade():
    if is_postgresql():
        op.execute(DROP_TRIGGER)
        op.execute(DROP_FUNCTION)
    with op.batch_alter_table('minutes_votes', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_minutes_votes_motion_id'))

    op.drop_table('minutes_votes')
    with op.batch_alter_table('minutes_approvals', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_minutes_approvals_meeting_id'))

    op.drop_table('minutes_approvals')
    op.drop_table('live_states')
    with op.batch_alter_table('minutes_recusals', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_minutes_recusals_meeting_id'))

    op.drop_table('minutes_recusals')
    with op.batch_alter_table('minutes_motions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_minutes_motions_meeting_id'))
        batch_op.drop_index(batch_op.f('ix_minutes_motions_item_id'))

    op.drop_table('minutes_motions')
    with op.batch_alter_table('live_queue_entries', schema=None) as batch_op:
        batch_op.drop_index('uq_live_queue_entries_participant_item', sqlite_where=sa.text("token_hash IS NOT NULL AND status != 'left'"), postgresql_where=sa.text("token_hash IS NOT NULL AND status != 'left'"))
        batch_op.drop_index(batch_op.f('ix_live_queue_entries_token_hash'))
        batch_op.drop_index('ix_live_queue_entries_meeting_status')

    op.drop_table('live_queue_entries')
    with op.batch_alter_table('attachments', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_attachments_sha256'))
        batch_op.drop_index(batch_op.f('ix_attachments_item_id'))

    op.drop_table('attachments')
    with op.batch_alter_table('agenda_items', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_agenda_items_section_id'))
        batch_op.drop_index(batch_op.f('ix_agenda_items_meeting_id'))

    op.drop_table('agenda_items')
    with op.batch_alter_table('packet_builds', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_packet_builds_meeting_id'))
        batch_op.drop_index(batch_op.f('ix_packet_builds_build_key'))

    op.drop_table('packet_builds')
    with op.batch_alter_table('minutes_revisions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_minutes_revisions_meeting_id'))

    op.drop_table('minutes_revisions')
    with op.batch_alter_table('minutes_events', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_minutes_events_meeting_id'))

    op.drop_table('minutes_events')
    with op.batch_alter_table('minutes_attendance', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_minutes_attendance_meeting_id'))

    op.drop_table('minutes_attendance')
    with op.batch_alter_table('compliance_entries', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_compliance_entries_tag'))
        batch_op.drop_index(batch_op.f('ix_compliance_entries_meeting_id'))

    op.drop_table('compliance_entries')
    with op.batch_alter_table('agenda_versions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_agenda_versions_meeting_id'))

    op.drop_table('agenda_versions')
    with op.batch_alter_table('agenda_sections', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_agenda_sections_meeting_id'))

    op.drop_table('agenda_sections')
    op.drop_table('minutes_body_seats')
    with op.batch_alter_table('memberships', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_memberships_user_id'))
        batch_op.drop_index(batch_op.f('ix_memberships_body_id'))

    op.drop_table('memberships')
    with op.batch_alter_table('members', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_members_body_id'))

    op.drop_table('members')
    with op.batch_alter_table('meetings', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_meetings_start_at'))
        batch_op.drop_index(batch_op.f('ix_meetings_body_id'))

    op.drop_table('meetings')
    with op.batch_alter_table('api_tokens', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_api_tokens_user_id'))

    op.drop_table('api_tokens')
    op.drop_table('users')
    op.drop_table('bodies')
