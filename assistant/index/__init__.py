"""Where reports live: Chroma (chunks + the report registry), the BM25 index beside it, the
sentence-embedding model, and the data directory's own files."""
