"""The sentence model's file and its fitting (eval/fit_sentences.py) on hand-made examples."""

import json

import numpy as np
import pytest

from assistant.answering import sentence_model
from assistant.answering.sentence_model import FEATURES, ModelFileError, SentenceModel
from eval.fit_sentences import fit, threshold
from eval.metrics import GoldQuestion


def test_the_shipped_model_names_the_answerers_features():
    model = SentenceModel.load()
    assert len(model.weights) == len(FEATURES) and 0 <= model.min_probability < 1


def test_a_model_fitted_for_other_features_is_refused(tmp_path, monkeypatch):
    (tmp_path / "sentence_model.json").write_text(
        json.dumps({"features": ["coverage"], "weights": [1.0], "intercept": 0.0, "min_probability": 0.1})
    )
    monkeypatch.setattr(sentence_model.resources, "files", lambda _: tmp_path)
    with pytest.raises(ModelFileError, match="fit_sentences"):
        SentenceModel.load()


def test_fitting_finds_the_feature_that_marks_the_answer():
    rng = np.random.default_rng(0)
    x = rng.random((400, 3))
    y = (x[:, 1] + 0.1 * rng.standard_normal(400) > 0.6).astype(float)
    weights, _ = fit(x, y)
    assert weights[1] > 3 and abs(weights[0]) < 1 and abs(weights[2]) < 1


def test_the_threshold_answers_most_tuning_questions_right():
    answerable = GoldQuestion("a", "?", ["x"], ["d"], True)
    unanswerable = GoldQuestion("u", "?", [], [], False)
    # (question, best sentence's probability, is the best sentence a right one)
    per_question = [
        (answerable, 0.8, True),
        (answerable, 0.5, True),
        (unanswerable, 0.3, False),
        (unanswerable, 0.6, False),
    ]
    t, right = threshold(per_question)
    assert right == 3 and 0.3 < t <= 0.5
