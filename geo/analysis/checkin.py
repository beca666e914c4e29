"""Check-in at a plan stop: how far the officer's position is from the stop, and whether it counts.

The position comes from the browser (Geolocation API: WGS 84 degrees, EPSG:4326, with an
accuracy radius in metres). The distance to the stop is the geodesic distance on the WGS 84
ellipsoid (:func:`distance_m`, pyproj's ``Geod``, Karney's algorithm): exact to the millimetre,
it agrees with a distance measured in EPSG:32749 (UTM 49S, scale factor about 1.0000 over
Kota Malang) to within 0.1 %. A spherical haversine would be about 0.5 % long north-south at
this latitude (1.6 m at the 300 m radius), so it is not used.

A check-in farther than :data:`geo.core.settings.CHECKIN_RADIUS_M` (300 m) from the stop is
allowed but marked (``di_luar_radius``), with the distance, on the visit; a position whose
accuracy is worse than :data:`geo.core.settings.CHECKIN_ACCURACY_WARN_M` is flagged as
imprecise. :func:`distance_label` writes distances the Indonesian way ("120 m", "1,2 km").
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from pyproj import Geod

from geo.core import settings
from geo.core.i18n import format_number

__all__ = [
    "CheckIn",
    "Position",
    "check_in",
    "distance_label",
    "distance_m",
]

_GEOD = Geod(ellps="WGS84")


@dataclass(frozen=True, kw_only=True)
class Position:
    """A position reported by the browser.

    Attributes
    ----------
    lat, lon
        Degrees, EPSG:4326.
    akurasi_m
        Accuracy radius in metres (None when unknown).
    """

    lat: float
    lon: float
    akurasi_m: float | None = None

    def __post_init__(self) -> None:
        """Refuse a position outside -90..90 / -180..180 degrees or a negative accuracy."""
        if not (math.isfinite(self.lat) and -90.0 <= self.lat <= 90.0):
            raise ValueError(f"latitude {self.lat!r} outside -90..90 degrees")
        if not (math.isfinite(self.lon) and -180.0 <= self.lon <= 180.0):
            raise ValueError(f"longitude {self.lon!r} outside -180..180 degrees")
        if self.akurasi_m is not None and not (
            math.isfinite(self.akurasi_m) and self.akurasi_m >= 0
        ):
            raise ValueError(f"accuracy {self.akurasi_m!r} is not a distance in metres")


@dataclass(frozen=True, kw_only=True)
class CheckIn:
    """A position checked against a stop.

    Attributes
    ----------
    lat, lon, akurasi_m
        The officer's position (degrees EPSG:4326) and its accuracy (m, None when unknown).
    jarak_m
        Distance to the stop, metres (WGS 84 geodesic).
    radius_m
        The check-in radius used, metres.
    di_luar_radius
        True when ``jarak_m`` is greater than ``radius_m`` (allowed, but marked).
    akurasi_rendah
        True when the accuracy is worse than the warning limit.
    """

    lat: float
    lon: float
    akurasi_m: float | None
    jarak_m: float
    radius_m: float
    di_luar_radius: bool
    akurasi_rendah: bool


def distance_m(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Return the geodesic distance between two points on the WGS 84 ellipsoid, in metres.

    Parameters
    ----------
    lat1, lon1, lat2, lon2
        Degrees, EPSG:4326.

    Returns
    -------
    float
        Metres.

    Examples
    --------
    >>> round(distance_m(-7.98, 112.63, -7.98, 112.63))
    0
    >>> round(distance_m(0.0, 0.0, 0.0, 1.0))
    111319
    """
    _, _, metres = _GEOD.inv(float(lon1), float(lat1), float(lon2), float(lat2))
    return float(metres)


def check_in(
    position: Position,
    *,
    stop_lat: float,
    stop_lon: float,
    radius_m: float = settings.CHECKIN_RADIUS_M,
    accuracy_warn_m: float = settings.CHECKIN_ACCURACY_WARN_M,
) -> CheckIn:
    """Check the officer's position against a stop.

    Parameters
    ----------
    position
        The browser's position.
    stop_lat, stop_lon
        The stop, degrees EPSG:4326.
    radius_m
        Check-in radius, metres (default :data:`geo.core.settings.CHECKIN_RADIUS_M`).
    accuracy_warn_m
        Accuracy beyond which the position is flagged as imprecise, metres.

    Returns
    -------
    CheckIn
        The distance and the marks; a check-in outside the radius is not refused.
    """
    jarak = distance_m(position.lat, position.lon, float(stop_lat), float(stop_lon))
    return CheckIn(
        lat=position.lat,
        lon=position.lon,
        akurasi_m=position.akurasi_m,
        jarak_m=jarak,
        radius_m=float(radius_m),
        di_luar_radius=jarak > radius_m,
        akurasi_rendah=position.akurasi_m is not None and position.akurasi_m > accuracy_warn_m,
    )


def distance_label(metres: float, lang: str = "id") -> str:
    """Write a distance for people: ``"85 m"``, ``"120 m"``, ``"1,2 km"``, ``"12 km"``.

    Below 1 km whole metres (rounded to 10 m from 100 m), then kilometres with one decimal
    below 10 km and whole kilometres beyond; the decimal mark follows ``lang`` (``"1.2 km"``
    in English).

    Examples
    --------
    >>> distance_label(123.4)
    '120 m'
    >>> distance_label(1234)
    '1,2 km'
    >>> distance_label(1234, "en")
    '1.2 km'
    >>> distance_label(12_345)
    '12 km'
    """
    if not math.isfinite(metres) or metres < 0:
        raise ValueError(f"{metres!r} is not a distance")
    if metres < 100:
        return f"{round(metres)} m"
    rounded = round(metres, -1)
    if rounded < 1000:
        return f"{int(rounded)} m"
    km = metres / 1000
    if round(km, 1) < 10:
        return f"{format_number(km, lang, decimals=1)} km"
    return f"{format_number(km, lang)} km"
