"""Core: settings, the register model, roles, the message catalogue, escaping, audit codes.

Everything else in ``geo`` may import from here; ``core`` imports nothing else of ``geo``.
"""
