"""The life of a listing: its publication period, the reminder before it ends, renewal,
expiry, and why its owner closed it."""
