"""Service providers, their services, the search and map of services, and service requests."""
