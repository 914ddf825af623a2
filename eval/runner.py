"""`council eval GOLD --out RESULTS`: every gold question through the assistant, one result line
per question (the `ask --json` shape plus "id" and the "retrieved" sources), then the metrics."""

import json
from collections import defaultdict
from pathlib import Path

from tqdm import tqdm

from assistant.api import CouncilAssistant
from eval.metrics import Outcome, compute, format_table, load_gold


def run_eval(assistant: CouncilAssistant, gold_path: Path, out_path: Path) -> int:
    gold = load_gold(gold_path)
    assistant.warm_up()  # latencies are per question, not model loading
    outcomes = []
    out_path.parent.mkdir(parents=True, exist_ok=True)
    with out_path.open("w", encoding="utf-8") as out:
        for question in tqdm(gold, desc="Evaluation", unit=" Frage", disable=None):
            answer = assistant.ask(question.question)
            row = {"id": question.id, **answer.to_json(), "retrieved": [p.sources for p in answer.retrieved]}
            out.write(json.dumps(row, ensure_ascii=False) + "\n")
            outcomes.append(
                Outcome(
                    gold=question,
                    answer=answer.text,
                    abstained=answer.abstained,
                    citations=[(c.passage.sources, c.text) for c in answer.citations],
                    retrieved=[p.sources for p in answer.retrieved],
                    seconds=answer.seconds,
                )
            )
    groups = defaultdict(list)
    for o in outcomes:
        groups[o.gold.type or ("answerable" if o.gold.answerable else "unanswerable")].append(o)
    print(format_table(compute(outcomes), {name: compute(group) for name, group in groups.items()}))
    return 0
