"""The index: the catalog (SQLite: documents, chunks and what they state, facets, BM25), the
vector store (Chroma) and the embedding models. Ingest writes it, answering reads it."""
