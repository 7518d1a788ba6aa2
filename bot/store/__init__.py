"""Persistence: SQLAlchemy Core over SQLite (default) or PostgreSQL (by DATABASE_URL)."""
