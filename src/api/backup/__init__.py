"""Backups of a running database and restores, for SQLite and PostgreSQL."""
