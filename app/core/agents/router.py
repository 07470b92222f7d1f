"""A learned router: which tool does a request need?

Logistic regression (scikit-learn) on TF-IDF features of word 1–2-grams and character
3–5-grams, trained on the shipped labelled requests (content/tables/router_requests.yaml).
A stratified quarter of the requests is held out to measure accuracy and the confusion
matrix; the model shown to the learner is trained on the other three quarters.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np
import yaml
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import accuracy_score, confusion_matrix
from sklearn.model_selection import train_test_split
from sklearn.pipeline import FeatureUnion, Pipeline
from threadpoolctl import threadpool_limits

from app.core.paths import SHIPPED_CONTENT_DIR

HELD_OUT_SHARE = 0.25
SEED = 0
MAX_REQUEST_CHARS = 300


def load_requests(content_dir=SHIPPED_CONTENT_DIR) -> tuple[list[str], list[str]]:
    path = Path(content_dir) / "tables" / "router_requests.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    texts, labels = [], []
    for label, rows in (data.get("requests") or {}).items():
        for row in rows:
            texts.append(str(row))
            labels.append(str(label))
    if not texts:
        raise ValueError(f"{path.name} holds no requests.")
    return texts, labels


def make_pipeline() -> Pipeline:
    features = FeatureUnion(
        [
            ("words", TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True)),
            ("chars", TfidfVectorizer(analyzer="char_wb", ngram_range=(3, 5), sublinear_tf=True)),
        ]
    )
    return Pipeline([("tfidf", features), ("clf", LogisticRegression(C=10, max_iter=2000))])


@dataclass(frozen=True)
class Router:
    pipeline: Pipeline
    labels: tuple[str, ...]  # the classes, in the order of scores and of the matrix
    accuracy: float  # on the held-out requests
    confusion: np.ndarray  # rows: true tool, columns: predicted tool (held out)
    n_train: int
    n_test: int
    mistakes: tuple[tuple[str, str, str], ...]  # (request, true, predicted) held out

    def scores(self, request: str) -> list[tuple[str, float]]:
        """(tool, probability) for `request`, best first."""
        text = str(request)[:MAX_REQUEST_CHARS]
        probs = self.pipeline.predict_proba([text])[0]
        classes = [str(c) for c in self.pipeline.classes_]
        return sorted(
            ((c, float(p)) for c, p in zip(classes, probs, strict=True)), key=lambda x: -x[1]
        )


@lru_cache(maxsize=2)
def train_router(content_dir: str = str(SHIPPED_CONTENT_DIR)) -> Router:
    texts, labels = load_requests(content_dir)
    x_train, x_test, y_train, y_test = train_test_split(
        texts, labels, test_size=HELD_OUT_SHARE, random_state=SEED, stratify=labels
    )
    with threadpool_limits(1):  # tiny problem: threads only contend on a busy machine
        pipe = make_pipeline().fit(x_train, y_train)
    predicted = pipe.predict(x_test)
    classes = tuple(str(c) for c in pipe.classes_)
    mistakes = tuple(
        (t, y, str(p)) for t, y, p in zip(x_test, y_test, predicted, strict=True) if y != p
    )
    return Router(
        pipe,
        classes,
        float(accuracy_score(y_test, predicted)),
        confusion_matrix(y_test, predicted, labels=list(classes)),
        len(x_train),
        len(x_test),
        mistakes,
    )
