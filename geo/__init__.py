"""Peta Sentra UMKM Kota Malang: domain and spatial logic (no Streamlit here)."""

__all__: list[str] = []
