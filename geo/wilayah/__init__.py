"""Wilayah: the kelurahan and kecamatan boundaries, names, point assignment, sentra and offices.

``from geo import wilayah`` gives the boundary functions of :mod:`geo.wilayah.boundaries`
(``wilayah.kelurahan()``, ``wilayah.assign_kelurahan(...)``); sentra and offices live in
:mod:`geo.wilayah.sentra`.
"""

from geo.wilayah.boundaries import (
    BoundaryError,
    NameMatch,
    assign_kelurahan,
    build_boundaries,
    city_outline,
    convert_sql,
    kecamatan,
    kelurahan,
    load_boundary_layer,
    normalise_name,
    parse_upstream_sql,
    read_source,
    resolve_kecamatan,
    resolve_kelurahan,
    resolve_kelurahan_many,
)

__all__ = [
    "BoundaryError",
    "NameMatch",
    "assign_kelurahan",
    "build_boundaries",
    "city_outline",
    "convert_sql",
    "kecamatan",
    "kelurahan",
    "load_boundary_layer",
    "normalise_name",
    "parse_upstream_sql",
    "read_source",
    "resolve_kecamatan",
    "resolve_kelurahan",
    "resolve_kelurahan_many",
]
