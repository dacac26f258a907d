"""The demo: scenario files of records, loaded through the same services as real data."""
