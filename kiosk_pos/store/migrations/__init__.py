"""Alembic migrations of the kiosk store. ``HEAD`` must name the newest revision."""

HEAD = "0010"
