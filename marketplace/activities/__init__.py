"""Cluster activities: events, services and information the cluster offers its members."""
