"""The index: folder store, manifest schema, build, BM25, rank fusion."""
