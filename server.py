"""ASGI entry point: the Streamlit app (``app.py``) plus the app's own HTTP routes.

Run with ``streamlit run server.py`` (``make run``). Streamlit serves ``app.py`` and its pages
as usual; :mod:`web` adds the routes a Streamlit script cannot answer itself: setting and
clearing the HttpOnly session cookie (:mod:`web.session_routes`) and the map's cacheable
point payload (:mod:`web.point_routes`). The pages' heavy libraries are imported in the
background as soon as the server starts (:mod:`web.warmup`).
"""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from web import point_routes, session_routes, warmup

app = st.App(
    Path(__file__).with_name("app.py"),
    routes=[*session_routes.ROUTES, *point_routes.ROUTES],
)
# The first visitor of the map should not wait for SciPy and folium to import.
warmup.start()
