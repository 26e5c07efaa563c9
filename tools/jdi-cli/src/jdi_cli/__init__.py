"""The `jdi` command: a thin front over the ingestion parser, the analyzer and jdi-core."""
