"""The database schema's history (Alembic): every change to a table is a revision here."""
