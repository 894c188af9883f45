"""The compliance log: one insert-only hash chain per meeting."""
import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import db


class ComplianceEntry(db.Model):
    __tablename__ = "compliance_entries"
    # (meeting_id, seq) unique: two concurrent appends cannot take the same place.
    __table_args__ = (sa.UniqueConstraint("meeting_id", "seq"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(sa.ForeignKey("meetings.id"), index=True)
    seq: Mapped[int]
    prev_hash: Mapped[str] = mapped_column(sa.String(64))
    hash: Mapped[str] = mapped_column(sa.String(64))
    # Stored as the exact ISO-8601 text that was hashed, so verification never
    # depends on how a backend round-trips timestamps.
    recorded_at: Mapped[str] = mapped_column(sa.String(40))
    actor: Mapped[str] = mapped_column(sa.String(300))
    tag: Mapped[str] = mapped_column(sa.String(60), index=True)
    data = mapped_column(sa.JSON, nullable=False)


# On PostgreSQL the database itself refuses to change history: no code path
# updates or deletes an entry, and this trigger stops anyone who tries by hand.
PG_INSERT_ONLY_FUNCTION = """
CREATE OR REPLACE FUNCTION compliance_entries_insert_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'compliance_entries is insert-only: % refused', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql
"""
PG_INSERT_ONLY_TRIGGER = """
CREATE TRIGGER compliance_entries_insert_only
BEFORE UPDATE OR DELETE ON compliance_entries
FOR EACH ROW EXECUTE FUNCTION compliance_entries_insert_only()
"""
PG_DROP_TRIGGER = "DROP TRIGGER IF EXISTS compliance_entries_insert_only ON compliance_entries"
PG_DROP_FUNCTION = "DROP FUNCTION IF EXISTS compliance_entries_insert_only()"

for _statement in (PG_INSERT_ONLY_FUNCTION, PG_INSERT_ONLY_TRIGGER):
    # DDL() treats "%" as a format character, hence the escaping.
    sa.event.listen(ComplianceEntry.__table__, "after_create",
                    sa.DDL(_statement.replace("%", "%%")).execute_if(dialect="postgresql"))
