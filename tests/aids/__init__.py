"""Helpers the tests run: drivers, fakes and tools that are not tests themselves."""
