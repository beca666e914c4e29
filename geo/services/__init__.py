"""Services: the only layer that writes.

Each use case validates its input, then writes in one store transaction that also records the
audit entry and bumps the data version (:meth:`geo.store.Store.unit_of_work`).
"""
