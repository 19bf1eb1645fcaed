"""Helpers the tests run: drivers, fakes and tools that are not tests themselves (the fake
printer, the ESC/POS decoder, sample sales, the app driver, the distributor fixtures).

Not product code: nothing under ``kiosk_pos`` imports from here; tools/ and bench/ may.
"""
