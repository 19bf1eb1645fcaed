"""Sync with the distributor: the wire schema shared with the server, the client and the relay."""
