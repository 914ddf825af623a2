"""A file that lists the folder's own files: a corpus's SOURCES.md, a README with a table of
the documents beside it. It describes the folder, it is no council document: its table rows
("| `kent-county-council/…/Printed minutes 13th-Feb-2025.pdf` | Minutes | en | …") match every
question on those documents and would be quoted as answers. It is recognised by content: it
names at least `MIN_LISTED` files of the folder by their relative path.
"""

LISTING_SUFFIXES = frozenset({".md", ".txt"})
MIN_LISTED = 10
MAX_LISTING_BYTES = 4 * 2**20  # a folder's description is small; a large text is a document


def listed_files(text: str, sources: set[str]) -> int:
    """How many of the folder's `sources` (paths relative to it) `text` names; 0 for a text with
    too few slashes to name `MIN_LISTED` paths, without looking further."""
    if text.count("/") < MIN_LISTED:
        return 0
    return sum(1 for source in sources if "/" in source and source in text)
