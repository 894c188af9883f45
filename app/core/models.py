"""Column helpers shared by every feature's models."""
import enum

import sqlalchemy as sa

from app.core.db import UTCDateTime


def enum_column(enum_cls, **kwargs):
    """Store an Enum by its value as a plain string (portable, readable in SQL)."""
    return sa.Enum(
        enum_cls,
        native_enum=False,
        length=max(len(m.value) for m in enum_cls) + 4,
        values_callable=lambda e: [m.value for m in e],
        validate_strings=True,
        **kwargs,
    )


class StrEnum(str, enum.Enum):
    def __str__(self):
        return self.value


__all__ = ["UTCDateTime", "enum_column", "StrEnum"]
