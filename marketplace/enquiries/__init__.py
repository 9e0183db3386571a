"""Interest in a listing before a deal: enquiries and introduction requests."""
