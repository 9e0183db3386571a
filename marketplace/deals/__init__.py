"""Deals: a pairing taken from a suggestion to deliveries, with its thread and history."""
