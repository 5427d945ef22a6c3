"""The learned ranking: staff decisions re-weigh the detector's signals and add a text model.

Functions over labelled rows (``Row``: title, body, label 1 = undisclosed ad, optional
creator, brand, or the ``Context`` the case was scored with):

- ``features`` — character n-gram TF-IDF of the folded text (so 優惠碼 and 优惠码 are one
  feature) next to the side features ``SIDE``: the detector's signals (each signal's weight,
  the rule score) and the style features (``style``: urgency, hype, prices, brand naming,
  hedges, complaints — what an advertorial without a disclosure word still shows);
- ``fit(rows) -> Model`` — logistic regression (scikit-learn) on those features, balanced
  classes; the ``Model`` stores its vocabulary, IDF and coefficients as plain numbers, its
  training date, size and cross-validated figures, and round-trips through ``to_bytes``;
- ``score(model, title, body, context) -> 0..100`` — what production uses to order the queue;
- ``evaluate(rows, folds=5)`` — stratified k-fold cross-validation of exactly that: per fold,
  the vocabulary, IDF, creator history and regression see the training folds only;
- ``train(rows)`` = ``evaluate`` + ``fit``, with the figures stored on the model.

Three functions read the database (the stored models, ``models.RankingModel``, written by
``training.train`` / ``flask audit train``): ``current_model()``, ``current_figures()`` for the
dashboard (None while untrained) and ``score(NoteContext(title, body, context))``, the score
that orders the queue — the current model's, or the rule score while none is trained.

Why a stored vocabulary instead of a pickle: a model is loaded from the database, and loading
a pickle runs code. JSON numbers do not, and survive scikit-learn upgrades.
"""
from __future__ import annotations

import gzip
import json
from dataclasses import dataclass, field
from datetime import datetime

import numpy as np
from scipy import sparse
from sklearn.feature_extraction.text import CountVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import average_precision_score
from sklearn.model_selection import StratifiedKFold

from marketplace import clock
from marketplace.audit.brands import Brand
from marketplace.audit.detector import CODES, Context, Detection, assess, detect, scan
from marketplace.audit import style
from marketplace.audit.folding import fold

# 1–3 character n-grams inside word boundaries: Chinese words are mostly one or two
# characters and carry no spaces; for English they catch stems ("sponsor", "discount").
ANALYZER = "char_wb"
NGRAMS = (1, 3)
MAX_FEATURES = 60_000  # bounds the stored model (~0.5 MB gzipped) and the scoring time
MIN_DF = 2  # an n-gram seen in one note says nothing about the next one
C = 4.0  # weaker regularisation than the default 1.0 suits many sparse n-grams; not tuned on any eval set
FORMAT = 2
# The side features next to the text, in their stored order: each signal's weight, the rule
# score, then the style features (``style``).
SIDE = CODES + ("rule_score",) + tuple("style." + name for name in style.NAMES)


@dataclass(frozen=True)
class Row:
    title: str
    body: str
    label: int
    creator: str = ""
    brand: str = ""
    context: Context | None = None  # as scored in production; built from the rows otherwise
    id: str = ""  # where the label came from (a CSV's id column, a case number)


@dataclass
class Model:
    vocabulary: dict[str, int]
    idf: list[float]
    text_coef: list[float]
    signal_coef: list[float]
    intercept: float
    trained_at: str  # ISO 8601, UTC
    rows: int
    positives: int
    figures: dict = field(default_factory=dict)  # cross-validated precision, recall, f1, pr_auc
    _counter: CountVectorizer | None = field(default=None, repr=False, compare=False)
    _arrays: dict = field(default_factory=dict, repr=False, compare=False)

    def to_bytes(self) -> bytes:
        payload = {"format": FORMAT, "analyzer": ANALYZER, "ngrams": list(NGRAMS), "signals": list(SIDE),
                   "vocabulary": self.vocabulary, "idf": self.idf, "text_coef": self.text_coef,
                   "signal_coef": self.signal_coef, "intercept": self.intercept, "trained_at": self.trained_at,
                   "rows": self.rows, "positives": self.positives, "figures": self.figures}
        return gzip.compress(json.dumps(payload, ensure_ascii=False).encode("utf-8"))

    @classmethod
    def from_bytes(cls, data: bytes) -> Model:
        payload = json.loads(gzip.decompress(data).decode("utf-8"))
        if payload.get("format") != FORMAT or payload.get("signals") != list(SIDE):
            raise ValueError("this model was trained by another version of the detector; train it again")
        return cls(payload["vocabulary"], payload["idf"], payload["text_coef"], payload["signal_coef"],
                   payload["intercept"], payload["trained_at"], payload["rows"], payload["positives"],
                   payload.get("figures") or {})

    def text_matrix(self, texts: list[str]) -> sparse.csr_matrix:
        """TF-IDF exactly as scikit-learn's TfidfVectorizer (sublinear tf, smooth idf, l2)."""
        if not self.vocabulary:
            return sparse.csr_matrix((len(texts), 0))
        if self._counter is None:
            self._counter = CountVectorizer(analyzer=ANALYZER, ngram_range=NGRAMS, lowercase=False,
                                            vocabulary=self.vocabulary, dtype=np.float64)
        return _tfidf(self._counter.transform(texts), self._array("idf"))

    def _array(self, name: str) -> np.ndarray:
        # The lists stay the stored form; scoring reuses one numpy copy of each.
        cached = self._arrays.get(name)
        if cached is None:
            cached = self._arrays[name] = np.asarray(getattr(self, name), dtype=np.float64)
        return cached

    def probabilities(self, texts: list[str], signals: np.ndarray) -> np.ndarray:
        return self.probabilities_from(self.text_matrix(texts), signals)

    def probabilities_from(self, text_m: sparse.spmatrix, signals: np.ndarray) -> np.ndarray:
        margin = text_m @ self._array("text_coef") + signals @ self._array("signal_coef") + self.intercept
        return 1.0 / (1.0 + np.exp(-margin))


def model_text(title: str, body: str) -> str:
    return fold(title or "") + "\n" + fold(body or "")


def signal_vector(detection: Detection) -> list[float]:
    """Each signal's weight (0 when absent) and the rule score, all on 0–1."""
    weights = {signal.code: signal.weight for signal in detection.signals}
    return [weights.get(code, 0) / 100.0 for code in CODES] + [detection.score / 100.0]


def side_vector(detection: Detection, text: str) -> list[float]:
    """The non-text features of one note (``SIDE``): its signals, rule score and style."""
    return signal_vector(detection) + style.vector(text)


def side_matrix(detections: list[Detection], texts: list[str]) -> np.ndarray:
    return np.array([side_vector(d, t) for d, t in zip(detections, texts)],
                    dtype=np.float64).reshape(len(detections), len(SIDE))


def features(model: Model, texts: list[str], detections: list[Detection]) -> tuple[sparse.csr_matrix, np.ndarray]:
    """The model's inputs for new notes (``texts`` from ``model_text``): TF-IDF rows and side rows."""
    return model.text_matrix(texts), side_matrix(detections, texts)


def combined_score(model: Model | None, title: str, body: str, context: Context | None = None) -> int:
    """The combined score 0–100 under ``model``: the learned probability of an undisclosed ad,
    whose inputs are the text, the detector's signals and rule score, and the style features.
    The rule score alone while no model has been trained (``model`` is None)."""
    detection = detect(title, body, context)
    if model is None:
        return detection.score
    text = model_text(title, body)
    side = side_matrix([detection], [text])
    return int(round(100 * float(model.probabilities([text], side)[0])))


@dataclass(frozen=True)
class NoteContext:
    """What the queue scores: a note's text and the context the caller gathered for it."""

    title: str
    body: str
    context: Context | None = None


def score(subject, title: str | None = None, body: str | None = None, context: Context | None = None) -> int:
    """The score that orders the staff queue, 0–100. Two forms:

    - ``score(note_context)`` — a ``NoteContext`` (or anything with ``title``, ``body`` and
      optionally ``context``), scored by the current stored model (``current_model``), or by the
      rules alone while none has been trained;
    - ``score(model, title, body, context)`` — under a given model (None: the rules alone).
    """
    if title is None and body is None and hasattr(subject, "title") and hasattr(subject, "body"):
        return combined_score(current_model(), subject.title or "", subject.body or "",
                              context if context is not None else getattr(subject, "context", None))
    return combined_score(subject, title or "", body or "", context)


# ---- the stored model (reads the database; everything above is pure) ---------------------

_loaded: dict = {"key": None, "model": None}


def current_model() -> Model | None:
    """The newest model ``flask audit train`` stored, or None (none yet, or trained by another
    version of the detector: the rules score alone until someone trains again). Loaded once
    per process and kept while it stays the newest."""
    record = _newest_record()
    if record is None:
        return None
    key = (record.id, record.trained_at, record.size_bytes, record.rows, record.positives)
    if _loaded["key"] != key:
        from marketplace.audit.models import RankingModel
        from marketplace.extensions import db

        blob = db.session.get(RankingModel, record.id).blob
        try:
            model = Model.from_bytes(blob)
        except ValueError:
            model = None
        _loaded.update(key=key, model=model)
    return _loaded["model"]


def current_figures() -> dict | None:
    """The current model's cross-validated figures for the dashboard, or None when untrained:
    precision, recall, f1, pr_auc, threshold, rows, positives, trained_at, size_bytes."""
    record = _newest_record()
    if record is None:
        return None
    return {"precision": record.precision, "recall": record.recall, "f1": record.f1, "pr_auc": record.pr_auc,
            "threshold": record.threshold, "rows": record.rows, "positives": record.positives,
            "trained_at": record.trained_at, "size_bytes": record.size_bytes}


def _newest_record():
    from marketplace.audit.models import RankingModel
    from marketplace.extensions import db

    columns = (RankingModel.id, RankingModel.trained_at, RankingModel.size_bytes, RankingModel.rows,
               RankingModel.positives, RankingModel.precision, RankingModel.recall, RankingModel.f1,
               RankingModel.pr_auc, RankingModel.threshold)
    return db.session.execute(db.select(*columns).order_by(RankingModel.trained_at.desc(),
                                                            RankingModel.id.desc()).limit(1)).first()


def fit(rows: list[Row], *, figures: dict | None = None, trained_at: datetime | None = None) -> Model:
    _check(rows)
    brands = registered_brands(rows)
    scans = [scan(r.title, r.body, _brands_for(r, brands)) for r in rows]
    history = _creator_history(rows, range(len(rows)))
    detections = [assess(s, _context(rows[i], history, brands, own=True)) for i, s in enumerate(scans)]
    texts = [model_text(r.title, r.body) for r in rows]
    counts, terms = _count(texts)
    model, _columns = _fit(counts, terms, side_matrix(detections, texts), [r.label for r in rows], figures or {},
                           trained_at)
    return model


def train(rows: list[Row], *, folds: int = 5, threshold: int = 50) -> Model:
    """Cross-validate, then fit on every row; the figures travel with the model."""
    figures = evaluate(rows, folds=folds, threshold=threshold)
    return fit(rows, figures=figures)


def evaluate(rows: list[Row], folds: int = 5, threshold: int = 50, seed: int = 0) -> dict:
    """Stratified k-fold cross-validation of ``score`` at the production ``threshold``.

    Returns n, positives, precision, recall, f1, pr_auc (for the ad class, from the pooled
    out-of-fold scores), plus the same for the rules alone (``rules_*``) for comparison.
    Each text is cut into n-grams once; every fold then picks its vocabulary and IDF from its
    training rows only, which is what fitting a vectorizer per fold does, without re-reading.
    """
    _check(rows)
    labels = np.array([r.label for r in rows], dtype=int)
    smaller = int(min(labels.sum(), len(labels) - labels.sum()))
    folds = min(folds, smaller)
    if folds < 2:
        raise ValueError("cross-validation needs at least 2 examples of each label")
    brands = registered_brands(rows)
    scans = [scan(r.title, r.body, _brands_for(r, brands)) for r in rows]
    texts = [model_text(r.title, r.body) for r in rows]
    counts, terms = _count(texts)
    styles = np.array([style.vector(t) for t in texts], dtype=np.float64).reshape(len(rows), len(style.NAMES))
    scores = np.zeros(len(rows))
    rule_scores = np.zeros(len(rows))
    splitter = StratifiedKFold(n_splits=folds, shuffle=True, random_state=seed)
    for train_idx, test_idx in splitter.split(np.zeros(len(rows)), labels):
        history = _creator_history(rows, train_idx)
        # The brand column is tied to the decision, so a brand only a held-out row names is
        # not "registered" for its fold.
        seen_brands = registered_brands([rows[i] for i in train_idx])
        fold_scans = [s if rows[i].context is not None else s.only_brands(b.name for b in seen_brands)
                      for i, s in enumerate(scans)]
        train_det = [assess(fold_scans[i], _context(rows[i], history, seen_brands, own=True)) for i in train_idx]
        test_det = [assess(fold_scans[i], _context(rows[i], history, seen_brands)) for i in test_idx]
        train_side = np.hstack([_signals(train_det), styles[train_idx]])
        model, columns = _fit(counts[train_idx], terms, train_side, labels[train_idx].tolist(), {}, None)
        text_m = _tfidf(counts[test_idx][:, columns], np.asarray(model.idf))
        test_side = np.hstack([_signals(test_det), styles[test_idx]])
        scores[test_idx] = 100 * model.probabilities_from(text_m, test_side)
        rule_scores[test_idx] = [d.score for d in test_det]
    figures = {"n": len(rows), "positives": int(labels.sum()), "threshold": threshold, "folds": folds}
    figures.update(_figures(labels, scores, threshold))
    figures.update({"rules_" + k: v for k, v in _figures(labels, rule_scores, threshold).items()})
    return figures


def _signals(detections: list[Detection]) -> np.ndarray:
    return np.array([signal_vector(d) for d in detections], dtype=np.float64).reshape(len(detections), len(CODES) + 1)


def _figures(labels: np.ndarray, scores: np.ndarray, threshold: int) -> dict:
    predicted = np.rint(scores) >= threshold
    tp = int(np.sum(predicted & (labels == 1)))
    fp = int(np.sum(predicted & (labels == 0)))
    fn = int(np.sum(~predicted & (labels == 1)))
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    pr_auc = float(average_precision_score(labels, scores)) if labels.any() else 0.0
    return {"precision": round(precision, 4), "recall": round(recall, 4), "f1": round(f1, 4),
            "pr_auc": round(pr_auc, 4)}


def _count(texts: list[str]) -> tuple[sparse.csr_matrix, np.ndarray]:
    """Raw n-gram counts of every text over every n-gram seen (vocabulary chosen later)."""
    counter = CountVectorizer(analyzer=ANALYZER, ngram_range=NGRAMS, lowercase=False, dtype=np.float64)
    try:
        counts = counter.fit_transform(texts).tocsr()
    except ValueError:  # no n-grams at all (empty texts)
        return sparse.csr_matrix((len(texts), 0)), np.array([], dtype=object)
    return counts, counter.get_feature_names_out()


def _tfidf(counts: sparse.spmatrix, idf: np.ndarray) -> sparse.csr_matrix:
    """Sublinear tf (1 + ln tf) × smooth idf, rows scaled to unit length — TfidfVectorizer's maths."""
    tf = sparse.csr_matrix(counts, dtype=np.float64, copy=True)
    tf.data = 1.0 + np.log(tf.data)
    weighted = tf.multiply(idf.reshape(1, -1)).tocsr() if idf.size else tf
    norms = np.sqrt(np.asarray(weighted.multiply(weighted).sum(axis=1)).ravel())
    norms[norms == 0] = 1.0
    return sparse.csr_matrix(sparse.diags(1.0 / norms) @ weighted)


def _vocabulary(counts: sparse.csr_matrix, terms: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Columns kept (seen in ≥ MIN_DF training texts, the MAX_FEATURES most frequent) and their IDF."""
    document_frequency = np.asarray((counts > 0).sum(axis=0)).ravel()
    keep = np.flatnonzero(document_frequency >= MIN_DF)
    if keep.size > MAX_FEATURES:
        frequency = np.asarray(counts[:, keep].sum(axis=0)).ravel()
        keep = np.sort(keep[np.argsort(-frequency, kind="stable")[:MAX_FEATURES]])
    rows = counts.shape[0]
    idf = np.log((1.0 + rows) / (1.0 + document_frequency[keep])) + 1.0
    return keep, idf


def _fit(counts: sparse.csr_matrix, terms: np.ndarray, side: np.ndarray, labels: list[int],
         figures: dict, trained_at: datetime | None) -> tuple[Model, np.ndarray]:
    """The model, and which columns of ``counts`` its vocabulary is (to score held-out rows)."""
    columns, idf = _vocabulary(counts, terms)
    vocabulary = {str(terms[column]): index for index, column in enumerate(columns)}
    model = Model(vocabulary, idf.tolist(), [], [], 0.0, (trained_at or clock.now()).isoformat(), len(labels),
                  int(sum(labels)), figures)
    text_m = _tfidf(counts[:, columns], idf)
    matrix = sparse.hstack([text_m, sparse.csr_matrix(side)]).tocsr()
    regression = LogisticRegression(C=C, class_weight="balanced", solver="liblinear", max_iter=1000)
    regression.fit(matrix, np.asarray(labels))
    coef = regression.coef_[0]
    model.text_coef = coef[:len(vocabulary)].tolist()
    model.signal_coef = coef[len(vocabulary):].tolist()
    model.intercept = float(regression.intercept_[0])
    model._arrays.clear()
    return model, columns


def registered_brands(rows: list[Row]) -> tuple[Brand, ...]:
    """Every brand named in the rows' ``brand`` column, standing in for the platform's
    registered brands (``evaluate`` takes them from the training folds only)."""
    return tuple(Brand(name) for name in dict.fromkeys(r.brand.strip() for r in rows if r.brand.strip()))


def _brands_for(row: Row, brands: tuple[Brand, ...]) -> tuple[Brand, ...]:
    return row.context.brands if row.context is not None else brands


def _creator_history(rows: list[Row], seen) -> dict[str, tuple[int, int]]:
    """creator -> (ads, rows) among the rows the model may see."""
    history: dict[str, tuple[int, int]] = {}
    for i in seen:
        creator = rows[i].creator
        if creator:
            ads, total = history.get(creator, (0, 0))
            history[creator] = (ads + rows[i].label, total + 1)
    return history


def _context(row: Row, history: dict[str, tuple[int, int]], brands: tuple[Brand, ...],
             own: bool = False) -> Context:
    """The production context of one row: its own when given; otherwise the creator's share of
    ads among their *other* seen rows (``own``: this row is among them; its label is left out)."""
    if row.context is not None:
        return row.context
    ads, total = history.get(row.creator, (0, 0)) if row.creator else (0, 0)
    if own:
        ads, total = ads - row.label, total - 1
    share = 100.0 * ads / total if total > 0 else None
    return Context(brands=brands, promo_share_percent=share)


def _check(rows: list[Row]) -> None:
    if not rows:
        raise ValueError("no rows")
    labels = {r.label for r in rows}
    if not labels <= {0, 1}:
        raise ValueError("labels must be 0 or 1")
    if len(labels) < 2:
        raise ValueError("need examples of both labels (1 = undisclosed ad, 0 = not)")

