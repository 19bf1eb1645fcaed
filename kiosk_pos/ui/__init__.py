"""PySide6 faces over the core services: login, sales screen, history, report.

Widgets call ``kiosk_pos.core`` services and listen to core events through
:mod:`kiosk_pos.ui.bridge`; they hold no business rule and no SQL.
"""
