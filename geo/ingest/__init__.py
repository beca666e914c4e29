"""Ingest: read registers (CSV, XLSX, GeoJSON, GeoPackage), repair cells, plan imports, export.

Pure functions over frames: nothing here writes to the store (see :mod:`geo.services`).
"""
