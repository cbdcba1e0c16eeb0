"""Session frames: network-session captures as Parquet in a bucket, metadata in PostgreSQL."""
