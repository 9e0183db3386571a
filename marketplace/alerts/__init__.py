"""Saved searches with alerts: a search of side streams, needs or services, named and kept;
new or changed results mailed at once or in a daily digest, each once a search."""
