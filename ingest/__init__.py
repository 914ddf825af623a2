"""Ingest: files → council documents → chunks → the index."""
