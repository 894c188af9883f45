"""Users: when the account last signed out.

A live console holds the session it connected with for as long as its socket stays
open; signing out records the moment, and staff events from consoles connected
before it are refused.

Revision ID: 5d1f0a6c3e87
Revises: 7e3a5c1d9b24
Create Date: 2026-12-06 10:05:00

"""
import sqlalchemy as sa
from alembic import op

from app.core.db import UTCDateTime

# revision identifiers, used by Alembic.
revision = '5d1f0a6c3e87'
down_revision = '7e3a5c1d9b24'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('signed_out_at', UTCDateTime(), nullable=True))


def downgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_column('signed_out_at')
