"""The browser's position for "Kunjungan saya": a tiny vendored Streamlit component.

An ``st.components.v2`` component written inline (HTML, CSS and a small ES module, no build,
no CDN, so it works offline): a large "Ambil lokasi saya" button that asks the browser's
Geolocation API for one high-accuracy fix and sends ``{lat, lon, akurasi_m}`` (degrees
EPSG:4326, metres) back to the script as a trigger value. When the page already holds the
permission it takes a fix on its own when first drawn. Texts come from the page in ``data``
and are set with ``textContent`` (never as HTML).

The last position is kept in ``st.session_state[POSITION_KEY]`` as a plain dict, so it
survives reruns and a reconnect of the same session; tests (AppTest) put a position there
to stand in for the browser.
"""

from __future__ import annotations

import math
import time
from typing import Any

import streamlit as st

from geo.analysis.checkin import Position

__all__ = ["POSITION_KEY", "geolocation", "stored_position"]

#: Session-state key of the last position: dict ``lat``, ``lon``, ``akurasi_m``, ``waktu``.
POSITION_KEY = "kunjungan_posisi"

_HTML = """
<div class="geo">
  <button type="button" class="geo-btn">
    <svg class="geo-ico" viewBox="0 0 24 24" width="22" height="22" aria-hidden="true">
      <path fill="currentColor" d="M12 8a4 4 0 1 0 0 8 4 4 0 0 0 0-8zm8.94 3A8.994 8.994 0 0 0
        13 3.06V1h-2v2.06A8.994 8.994 0 0 0 3.06 11H1v2h2.06A8.994 8.994 0 0 0 11 20.94V23h2
        v-2.06A8.994 8.994 0 0 0 20.94 13H23v-2h-2.06zM12 19c-3.87 0-7-3.13-7-7s3.13-7 7-7
        7 3.13 7 7-3.13 7-7 7z"/>
    </svg>
    <span class="geo-label"></span></button>
  <div class="geo-status" role="status" aria-live="polite"></div>
</div>
"""

_CSS = """
.geo { font-family: var(--st-font, sans-serif); }
.geo-btn { width: 100%; min-height: 48px; border-radius: 0.5rem; font-size: 1rem;
  font-weight: 600; border: 1px solid var(--st-primary-color, #ff4b4b);
  background: var(--st-primary-color, #ff4b4b); color: #fff; cursor: pointer;
  display: flex; align-items: center; justify-content: center; gap: 0.5rem; }
.geo-btn[disabled] { opacity: 0.6; cursor: progress; }
.geo-status { margin-top: 0.35rem; font-size: 0.875rem;
  color: var(--st-text-color, #31333f); opacity: 0.8; }
.geo-status:empty { display: none; }
"""

_JS = """
export default function (component) {
  const { parentElement, data, setTriggerValue } = component;
  const texts = data || {};
  const button = parentElement.querySelector(".geo-btn");
  const label = parentElement.querySelector(".geo-label");
  const status = parentElement.querySelector(".geo-status");
  if (!button || !label || !status) { return; }
  label.textContent = texts.label || "Lokasi";
  const say = (text) => { status.textContent = text || ""; };
  const locate = (maximumAge) => {
    if (!("geolocation" in navigator)) { say(texts.unsupported); return; }
    button.disabled = true;
    say(texts.waiting);
    navigator.geolocation.getCurrentPosition(
      (pos) => {
        button.disabled = false;
        say("");
        setTriggerValue("posisi", {
          lat: pos.coords.latitude,
          lon: pos.coords.longitude,
          akurasi_m: pos.coords.accuracy,
        });
      },
      (err) => {
        button.disabled = false;
        say(err && err.code === 1 ? texts.denied : texts.unavailable);
      },
      { enableHighAccuracy: true, timeout: 20000, maximumAge: maximumAge },
    );
  };
  // A tap asks for a fresh fix; the automatic one on opening may use one up to 30 s old.
  button.onclick = () => locate(0);
  if (texts.auto && !parentElement.__geoAsked && navigator.permissions) {
    parentElement.__geoAsked = true;
    navigator.permissions.query({ name: "geolocation" }).then(
      (p) => { if (p.state === "granted") { locate(30000); } },
      () => {},
    );
  }
}
"""

_COMPONENT = st.components.v2.component("kunjungan_geolokasi", html=_HTML, css=_CSS, js=_JS)


def _read(value: Any) -> dict[str, float] | None:
    """Return a reported position as a checked dict, or None when it is not one."""
    if not isinstance(value, dict):
        return None
    try:
        lat, lon = float(value["lat"]), float(value["lon"])
        acc = value.get("akurasi_m")
        akurasi = None if acc is None else float(acc)
        Position(lat=lat, lon=lon, akurasi_m=akurasi)
    except (KeyError, TypeError, ValueError):
        return None
    return {"lat": lat, "lon": lon, "akurasi_m": akurasi, "waktu": time.time()}


def geolocation(*, texts: dict[str, str], key: str = "kunjungan_geolokasi") -> Position | None:
    """Draw the location button and return the last known position of this session.

    Parameters
    ----------
    texts
        ``label`` (button), ``waiting``, ``denied``, ``unavailable``, ``unsupported``
        (status lines), already translated.
    key
        Widget key of the component.

    Returns
    -------
    Position or None
        The newest position reported in this session (or put in :data:`POSITION_KEY`).
    """
    result = _COMPONENT(
        key=key,
        data={**texts, "auto": POSITION_KEY not in st.session_state},
        on_posisi_change=lambda: None,
        height="content",
    )
    reported = _read(result.get("posisi") if result is not None else None)
    if reported is not None:
        st.session_state[POSITION_KEY] = reported
    return stored_position()


def stored_position() -> Position | None:
    """Return the position kept in :data:`POSITION_KEY`, or None."""
    value = st.session_state.get(POSITION_KEY)
    if not isinstance(value, dict):
        return None
    try:
        acc = value.get("akurasi_m")
        lat, lon = float(value["lat"]), float(value["lon"])
        if not (math.isfinite(lat) and math.isfinite(lon)):
            return None
        return Position(lat=lat, lon=lon, akurasi_m=None if acc is None else float(acc))
    except (KeyError, TypeError, ValueError):
        return None


def position_age_s(now: float | None = None) -> float | None:
    """Return how many seconds ago the kept position was taken, or None."""
    value = st.session_state.get(POSITION_KEY)
    if not isinstance(value, dict) or "waktu" not in value:
        return None
    return max(0.0, (time.time() if now is None else now) - float(value["waktu"]))
