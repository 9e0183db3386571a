"""Attachments: files kept outside the static folder, named by their SHA-256."""
