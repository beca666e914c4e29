"""HTTP routes served beside the Streamlit app (``server.py``): session cookie, map payloads.

Thin Starlette handlers: they read the request, call :mod:`geo.services`, and answer. Like
``pages/``, nothing here holds domain logic.
"""
