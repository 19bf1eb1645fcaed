"""The distributor's server: holds every kiosk's deposit and relays top-ups upstream."""

__version__ = "0.1.0"
