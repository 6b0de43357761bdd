"""Shared infrastructure of the service: settings, database, errors, limits, captcha, auth, audit.

Nothing here imports a feature package (``captchas``, ``voting``, ``objections``).
"""
