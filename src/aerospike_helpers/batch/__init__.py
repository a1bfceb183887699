"""Batch record objects for ``client.batch_write`` (see `records`)."""
