"""The service desk's web console under ``/console/`` (issue 13).

Server-rendered (Jinja2), every asset shipped in this package, Indonesian by default. Staff
sign in with a password and a TOTP code; sessions, lockouts and the audit trail live in the
database so any number of server processes share them. ``mount_console(app)`` wires it.
"""

from distributor_server.console.web import mount_console

__all__ = ["mount_console"]
