"""The question path: reading a question once, retrieval signals and their fusion, the
extractive and the generated (verified) answer, follow-ups, answer drafts for inquiries. Reads
the index; never imports the ingest pipeline."""
