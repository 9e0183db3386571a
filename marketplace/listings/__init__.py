"""Listings: side streams and material needs, their forms, search, map, import and export."""
