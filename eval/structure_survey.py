"""How much council structure build_document finds in a corpus: per field, how many documents
(sections, chunks) have it filled, and a sample of parsed votes. Reads files only, no embedding.

    PYTHONPATH=. python eval/structure_survey.py ../shared/corpus [--votes 40] [--pickle pages.pkl]
"""

import argparse
import collections
import pickle
import random
from pathlib import Path

from ingest.chunking import chunk_document
from ingest.readers import SUPPORTED_SUFFIXES, ReadError, read_pages
from ingest.structure import build_document


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("corpus", type=Path)
    parser.add_argument("--votes", type=int, default=40, help="how many parsed votes to print")
    parser.add_argument("--pickle", type=Path, help="read pages from this cache {source: (pages, warnings)}")
    parser.add_argument("--list", action="store_true", help="print one line per document")
    args = parser.parse_args()
    if args.pickle:
        cached = pickle.loads(args.pickle.read_bytes())
    else:
        cached = {}
        for path in sorted(args.corpus.rglob("*")):
            if path.is_file() and path.suffix.lower() in SUPPORTED_SUFFIXES:
                try:
                    cached[path.relative_to(args.corpus).as_posix()] = read_pages(path, 200 * 2**20)
                except ReadError as exc:
                    cached[path.relative_to(args.corpus).as_posix()] = exc.reason
    docs: collections.Counter[str | None] = collections.Counter()
    sections: collections.Counter[str | None] = collections.Counter()
    chunks: collections.Counter[str | None] = collections.Counter()
    types: collections.Counter[str | None] = collections.Counter()
    outcomes: collections.Counter[str | None] = collections.Counter()
    votes = []
    for source, read in sorted(cached.items()):
        if isinstance(read, str):
            continue
        doc = build_document(source, *read)
        docs["documents"] += 1
        for field in ("doc_type", "committee", "meeting_date", "vorlage", "subject"):
            docs[field] += getattr(doc, field) is not None
        docs["with sections"] += bool(doc.sections)
        types[doc.doc_type] += 1
        items = [s for s in doc.sections if s.item]
        for s in doc.sections:
            sections["sections"] += 1
            sections["agenda item"] += s.item is not None
            sections["vote"] += s.vote is not None
            sections["decision"] += s.decision is not None
            if s.vote:
                outcomes[s.vote.outcome] += 1
                votes.append((source, s.item.label() if s.item else "-", s.vote))
        for c in chunk_document(doc, 1200, 2000):
            chunks["chunks"] += 1
            chunks["in a section"] += c.section is not None
            chunks["in an agenda item"] += c.section is not None and doc.sections[c.section].item is not None
        if args.list:
            tops = ",".join(s.item.number for s in items if s.item)
            n_votes = sum(s.vote is not None for s in items)
            print(
                f"{doc.doc_type or '-':18} {doc.committee or '-':28.28} {doc.meeting_date or '-':10} "
                f"{doc.vorlage or '-':12} items={len(items):3} votes={n_votes:3} [{tops[:40]}] {source[-60:]}"
            )
    print("documents:", dict(docs))
    print("doc types:", dict(types))
    print("sections:", dict(sections))
    print("vote outcomes:", dict(outcomes))
    print("chunks:", dict(chunks))
    random.seed(1)
    for source, label, vote in random.sample(votes, min(args.votes, len(votes))):
        counts = "/".join("-" if n is None else str(n) for n in (vote.yes, vote.no, vote.abstain))
        print(
            f"  {vote.outcome:9} {counts:9} {'U' if vote.unanimous else ' '} {vote.text[:60]!r:62} "
            f"{label[:40]} ({source[-40:]})"
        )


if __name__ == "__main__":
    main()
