"""Waste law in the marketplace: the legal status of a side stream and its evidence, the
receivers' permits, and the transfer document of a delivery of waste."""
