"""The bottom layer: settings, the domain types that cross every boundary (documents, chunks,
passages, answers, filters) and the language rules written once (dates, votes, document types,
text spans and terms). Imports nothing else of the project and no backend."""
