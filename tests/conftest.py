"""Shared test set-up. Qt must run offscreen, and that must be set before Qt is imported."""

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.pop("KIOSK_POS_DATA_DIR", None)
