"""Proceedings (attendance, motions, votes) and minutes."""
