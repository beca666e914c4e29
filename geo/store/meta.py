"""The meta aggregate of the store: the key/value ``meta`` table and the data version.

Pages key their caches on ``meta.data_version``; services change it with
:meth:`MetaStore.bump_data_version` inside the unit of work of every write.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Mapping

from sqlalchemy import (
    insert,
    select,
    update,
)

from geo.store.base import StoreBase
from geo.store.schema import (
    META,
    StoreError,
)

__all__ = ["MetaStore", "meta_records"]


class MetaStore(StoreBase):
    """The ``meta`` table (key -> value strings) and ``data_version``."""

    def read_meta(self) -> dict[str, str]:
        """Return the whole ``meta`` table as a dict (key -> value), keys sorted."""
        with self._engine.connect() as conn:
            rows = conn.execute(select(META.c.key, META.c.value)).fetchall()
        return {str(k): str(v) for k, v in sorted(rows)}

    def get_meta(self, key: str, default: str | None = None) -> str | None:
        """Return a value from the ``meta`` table.

        Parameters
        ----------
        key
            The key, e.g. ``"dataset"``.
        default
            Returned when ``key`` is not stored.

        Returns
        -------
        str or None
            The stored value, or ``default``.
        """
        with self._engine.connect() as conn:
            value = conn.scalar(select(META.c.value).where(META.c.key == key))
        return default if value is None else str(value)

    def set_meta(self, key: str, value: str) -> None:
        """Store a value in the ``meta`` table, replacing any earlier value under ``key``.

        Parameters
        ----------
        key, value
            Strings.

        Raises
        ------
        StoreError
            ``key`` or ``value`` is not a string.
        """
        (record,) = meta_records({key: value})
        with self._write("meta") as conn:
            done = conn.execute(update(META).where(META.c.key == key).values(value=value))
            if done.rowcount == 0:
                conn.execute(insert(META).values(**record))

    def bump_data_version(self, what: str) -> str:
        """Record that stored data changed, so every app process refreshes its caches.

        Pages key their caches on ``meta.data_version``; services call this inside the
        :meth:`~geo.store.base.StoreBase.unit_of_work` of every write.

        Parameters
        ----------
        what
            A short note of the change (``"impor 12"``, ``"kunjungan KJ-01401"``).

        Returns
        -------
        str
            The new version: the note, the UTC time and a random suffix (unique per change).
        """
        now = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
        version = f"{what} {now} {uuid.uuid4().hex[:8]}"
        self.set_meta("data_version", version)
        return version


def meta_records(meta: Mapping[str, str]) -> list[dict[str, str]]:
    """Return ``meta`` as rows of the ``meta`` table (``key``, ``value``).

    Raises
    ------
    StoreError
        A key or value is not a string.
    """
    for key, value in meta.items():
        if not isinstance(key, str) or not isinstance(value, str):
            raise StoreError("meta", f"keys and values must be strings, got {key!r}: {value!r}")
    return [{"key": k, "value": v} for k, v in meta.items()]
