"""Reports built from a scored run: terminal tables, CSV and JSON (HTML comes later)."""
