"""iCalendar subscription feeds: one per meeting, per body, and for every body."""
