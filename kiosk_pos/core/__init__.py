"""The domain and its use cases. Imports no Qt, no requests, no reportlab."""
