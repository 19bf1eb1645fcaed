"""kiosk_pos: point of sale for Indonesian pulsa kiosks (konter pulsa)."""

__version__ = "0.1.0"
