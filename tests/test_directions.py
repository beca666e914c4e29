"""Directions links to a stop (geo.planning.directions)."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

from geo.planning.directions import directions_links


def test_without_origin_the_map_app_starts_from_the_phone():
    links = directions_links(-7.966612, 112.632632)
    google = urlsplit(links.google)
    assert google.netloc == "www.google.com" and google.path == "/maps/dir/"
    query = parse_qs(google.query)
    assert query == {
        "api": ["1"],
        "destination": ["-7.966612,112.632632"],
        "travelmode": ["two-wheeler"],
    }
    assert links.osm == (
        "https://www.openstreetmap.org/?mlat=-7.966612&mlon=112.632632#map=17/-7.966612/112.632632"
    )


def test_with_origin_both_links_route_from_the_officer():
    links = directions_links(-7.97, 112.63, origin=(-7.95, 112.61), travelmode="driving")
    query = parse_qs(urlsplit(links.google).query)
    assert query["origin"] == ["-7.950000,112.610000"]
    assert query["destination"] == ["-7.970000,112.630000"]
    assert query["travelmode"] == ["driving"]
    assert "waypoints" not in query
    osm = urlsplit(links.osm)
    assert osm.path == "/directions"
    assert parse_qs(osm.query) == {
        "engine": ["fossgis_osrm_car"],
        "route": ["-7.950000,112.610000;-7.970000,112.630000"],
    }
