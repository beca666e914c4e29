"""Core: settings, the register model, roles, messages, row parsing, escaping, audit codes.

Everything else in ``geo`` may import from here; ``core`` imports nothing else of ``geo``.
"""
