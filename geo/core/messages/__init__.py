"""Message tables of the catalogue, one module per feature (``peta.py``, ``rute.py``, ...).

Each module defines ``MESSAGES: dict[str, dict[str, str]]`` (key -> {"id": ..., "en": ...}),
with keys prefixed by the feature (``peta.``, ``rute.``). :mod:`geo.core.i18n` merges them into the
one catalogue and refuses a key defined twice, so features can grow their texts side by side.
"""
