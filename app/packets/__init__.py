"""Agenda and packet PDFs, built in the background worker.

The models are imported here so that any import of the feature registers its
tables with the metadata (migrations and create_all see them).
"""
from app.packets import models as _models  # noqa: F401
