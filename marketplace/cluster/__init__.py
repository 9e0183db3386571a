"""The cluster's public page and its yearly self-evaluation."""
