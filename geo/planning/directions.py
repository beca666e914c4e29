"""One-tap directions to a plan stop: a Google Maps link and an OpenStreetMap link.

Google Maps links are built by :func:`geo.planning.routing_export.google_maps_links` (the
documented ``https://www.google.com/maps/dir/?api=1`` URL) when the officer's position is
known, so that the route starts where the officer is; without it the link names only the
destination and Google Maps starts from the phone's own location. The OpenStreetMap link opens
openstreetmap.org's directions (OSRM, by car) from the officer's position, or the stop on the
map when the position is unknown. All coordinates are degrees, EPSG:4326, to 6 decimals
(about 0,1 m).
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlencode

from geo.planning.routing_export import google_maps_links

__all__ = ["DirectionsLinks", "directions_links"]

_OSM_BASE = "https://www.openstreetmap.org/"


@dataclass(frozen=True)
class DirectionsLinks:
    """Links to the directions to one stop.

    Attributes
    ----------
    google
        Google Maps directions URL.
    osm
        OpenStreetMap directions URL (or the stop on the map without an origin).
    """

    google: str
    osm: str


def directions_links(
    lat: float,
    lon: float,
    *,
    origin: tuple[float, float] | None = None,
    travelmode: str = "two-wheeler",
) -> DirectionsLinks:
    """Return the Google Maps and OpenStreetMap links to a stop.

    Parameters
    ----------
    lat, lon
        The stop, degrees EPSG:4326.
    origin
        The officer's position ``(lat, lon)``, or None to let the map app use its own.
    travelmode
        Google Maps travel mode: ``two-wheeler`` (motorbike, what Sahabat UMKM ride; Google
        falls back to driving where it has no motorbike routing), ``driving``, ``walking``.

    Returns
    -------
    DirectionsLinks

    Examples
    --------
    >>> directions_links(-7.98, 112.63).google
    'https://www.google.com/maps/dir/?api=1&destination=-7.980000,112.630000&travelmode=two-wheeler'
    """
    dest = f"{float(lat):.6f},{float(lon):.6f}"
    if origin is None:
        google = "https://www.google.com/maps/dir/?" + urlencode(
            {"api": "1", "destination": dest, "travelmode": travelmode}, safe=","
        )
        osm = _OSM_BASE + "?" + urlencode({"mlat": f"{lat:.6f}", "mlon": f"{lon:.6f}"})
        osm += f"#map=17/{lat:.6f}/{lon:.6f}"
        return DirectionsLinks(google=google, osm=osm)
    start = (float(origin[0]), float(origin[1]))
    google = google_maps_links([start, (float(lat), float(lon))], travelmode=travelmode)[0]
    osm = (
        _OSM_BASE
        + "directions?"
        + urlencode(
            {"engine": "fossgis_osrm_car", "route": f"{start[0]:.6f},{start[1]:.6f};{dest}"},
            safe=",;",
        )
    )
    return DirectionsLinks(google=google, osm=osm)
