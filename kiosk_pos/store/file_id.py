"""What marks a file as a kiosk_pos database, importable without SQLAlchemy.

``store/schema.py`` declares the tables (and imports SQLAlchemy); opening a file only needs
this number, so the start-up path reads it from here.
"""

APPLICATION_ID = 0x4B505053  # "KPPS": marks a file as a kiosk_pos database
