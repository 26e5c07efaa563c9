"""The `jdi` command: a thin front over the libraries (parser, analyzer, embedder, contracts)."""
