"""Mail about deals, each user's settings for it, and the daily digest of new pairings."""
