"""`python -m eval.split GOLD`: splits a gold set once into a tuning half and a test half, in place.

Rules of the answerer are fitted and tried on the tuning half ("tune"); the test half ("test") only
judges them. The split is by document: questions that share a source document (directly or through
another question) form one group and fall into the same half, so a rule fitted to one document's
wording is never judged on that document. A group's half follows from a hash of its first source
path (of its id where it has none, as unanswerable questions do), so it does not depend on the
order of the file. Questions that already carry a split keep it: a new question never moves an old
one, and a later run only places the new ones.
"""

import argparse
import hashlib
import json
from pathlib import Path


def assign(rows: list[dict]) -> list[dict]:
    """`rows` with a "split" on each: kept where present, else the half of its document group.

    >>> rows = assign([{"id": "a", "sources": ["x.pdf"]}, {"id": "b", "sources": ["x.pdf", "y.pdf"]},
    ...                {"id": "c", "sources": ["y.pdf"]}, {"id": "d", "sources": [], "split": "test"}])
    >>> len({r["split"] for r in rows[:3]}), rows[3]["split"]
    (1, 'test')
    """
    parent: dict[str, str] = {}

    def root(key: str) -> str:
        while parent.setdefault(key, key) != key:
            key = parent[key]
        return key

    keys = [[f"doc:{s}" for s in row["sources"]] or [f"id:{row['id']}"] for row in rows]
    for group in keys:
        for key in group[1:]:
            parent[root(key)] = root(group[0])
    members: dict[str, list[str]] = {}
    for group in keys:
        members.setdefault(root(group[0]), []).extend(group)
    # A group that already holds split questions keeps their half for its new ones.
    fixed = {root(k[0]): row["split"] for row, k in zip(rows, keys, strict=True) if row.get("split")}
    out = []
    for row, group in zip(rows, keys, strict=True):
        name = root(group[0])
        half = fixed.get(name) or _half(min(members[name]))
        out.append({**row, "split": row.get("split") or half})
    return out


def _half(key: str) -> str:
    return "test" if hashlib.sha256(key.encode()).digest()[0] % 2 else "tune"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("gold", type=Path)
    args = parser.parse_args()
    lines = [line for line in args.gold.read_text(encoding="utf-8").splitlines() if line.strip()]
    rows = assign([json.loads(line) for line in lines])
    args.gold.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    for half in ("tune", "test"):
        chosen = [r for r in rows if r["split"] == half]
        unanswerable = sum(not r["answerable"] for r in chosen)
        print(f"{half}: {len(chosen)} Fragen, davon {unanswerable} unbeantwortbar")


if __name__ == "__main__":
    main()
