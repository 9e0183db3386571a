"""The brokers' dashboard: pairings to act on, deals waiting, marks, and the impact report."""
