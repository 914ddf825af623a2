"""Which sentence answers the question: a logistic regression over what the extractive answerer
reads off each candidate sentence (`FEATURES`), fitted on the tuning half of the gold set by
`python -m eval.fit_sentences` and stored in `sentence_model.json` beside this module.

A hand-set score (0.3 × coverage + 0.5 × context + …, with bonuses and penalties tuned question
by question) fitted the team's own questions better than the documents; the fitted weights are
one rule for all of them, and the test half of the gold set, never fitted on, says whether they
carry. The file names the features it was fitted with: a model fitted for other features is
refused when loaded, not misread.
"""

import json
import math
from dataclasses import dataclass
from importlib import resources

# What each feature measures (all in 0..1 or -1..0; computed in `extractive._features`):
FEATURES = (
    "coverage",  # weighted share of the question's words in the sentence (beyond the metadata)
    "context",  # the same share over the sentence's passage and its metadata
    "nearness",  # e5 similarity of its passage to the question, relative to the nearest (<= 0)
    "rank",  # 1 / retrieval rank of its passage
    "lacks_kind",  # the question asks a kind of fact (vote, number, date) the sentence lacks
    "has_kind",  # the sentence carries a kind of fact the question asks for
    "vote_count",  # a vote question, and the sentence holds a vote with counts
    "minutes",  # a decision question, and the passage is minutes or a Beratungsergebnis
    "decision",  # a decision question, and the sentence is its agenda item's printed decision
    "reported",  # it restates a question ("bittet um Mitteilung, welche …", "asked whether")
    "fragment",  # a heading, table cell or header row
    "call_up",  # the chair calls up an item ("ruft TOP 14 auf", "next item")
    "speaker",  # one speaker's view (first person: "wir lehnen ab", "I support")
    "latest",  # its document is the newest of those on the question's topic
    "held_names",  # share of the question's capitalised words (names, bodies) its passage holds
    "first",  # the first sentence of its passage (where headings and titles stand)
    "length",  # characters / 400, at most 1
    "prior",  # the hand-set score used before this model (`extractive._prior`)
)


class ModelFileError(RuntimeError):
    """sentence_model.json is missing or was fitted for other features."""


@dataclass(frozen=True)
class SentenceModel:
    weights: tuple[float, ...]  # one per feature, in `FEATURES` order
    intercept: float
    min_probability: float  # below this for the best sentence, the answerer abstains

    def probability(self, features: dict[str, float]) -> float:
        """How likely the sentence carries the answer.

        >>> m = SentenceModel(tuple(1.0 if f == "coverage" else 0.0 for f in FEATURES), -1.0, 0.3)
        >>> round(m.probability({f: 0.0 for f in FEATURES} | {"coverage": 1.0}), 2)
        0.5
        """
        z = self.intercept + sum(w * features[f] for w, f in zip(self.weights, FEATURES, strict=True))
        return 1 / (1 + math.exp(-max(-30.0, min(30.0, z))))

    @classmethod
    def load(cls) -> "SentenceModel":
        try:
            data = json.loads(resources.files(__package__).joinpath("sentence_model.json").read_text("utf-8"))
        except (OSError, json.JSONDecodeError) as exc:
            raise ModelFileError(f"sentence_model.json fehlt oder ist beschädigt: {exc}") from exc
        if tuple(data["features"]) != FEATURES:
            raise ModelFileError(
                "sentence_model.json passt nicht zu den Merkmalen des Antwortgebers; "
                "neu anpassen mit: python -m eval.fit_sentences"
            )
        return cls(tuple(data["weights"]), data["intercept"], data["min_probability"])
