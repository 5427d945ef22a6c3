"""The staff audit dashboard's figures: open cases, median time to decision, confirm rate,
the undisclosed-ad rate by week (with a chart drawn on the server as SVG numbers), the top
signals, and the learned model's cross-validated figures when there is a model."""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import datetime, timedelta
from statistics import median

from sqlalchemy import func, select

from marketplace import clock
from marketplace.cases import scanning
from marketplace.cases.models import CONFIRMED, DISMISSED, OVERTURNED, WAITING, AuditCase
from marketplace.extensions import db
from marketplace.notes.models import Note

WEEKS = 8
TOP_SIGNALS = 6
SIGNAL_DAYS = 90


@dataclass(frozen=True)
class Week:
    start: datetime
    notes: int
    confirmed: int

    @property
    def rate_percent(self) -> float:
        return 100.0 * self.confirmed / self.notes if self.notes else 0.0


@dataclass(frozen=True)
class Bar:
    x: int
    y: int
    width: int
    height: int
    label: str
    value: str


@dataclass(frozen=True)
class Figures:
    open_cases: int
    appeals_waiting: int
    median_hours_to_decision: float | None
    confirm_rate_percent: float | None
    decided: int
    weeks: list[Week]
    bars: list[Bar]
    top_signals: list[tuple[str, int]]
    model: dict | None  # trained_at, rows, precision, recall, f1, pr_auc


def _week_start(moment: datetime) -> datetime:
    day = moment.replace(hour=0, minute=0, second=0, microsecond=0)
    return day - timedelta(days=day.weekday())


def figures() -> Figures:
    now = clock.now()
    open_cases = db.session.scalar(select(func.count()).select_from(AuditCase)
                                   .where(AuditCase.state.in_(WAITING))) or 0
    appeals = db.session.scalar(select(func.count()).select_from(AuditCase).where(
        AuditCase.appealed_at.is_not(None), AuditCase.appeal_decided_at.is_(None))) or 0
    decided_rows = db.session.execute(select(AuditCase.state, AuditCase.opened_at, AuditCase.decided_at)
                                      .where(AuditCase.decided_at.is_not(None))).all()
    hours = [(decided - opened).total_seconds() / 3600 for _s, opened, decided in decided_rows]
    judged = [s for s, _o, _d in decided_rows if s in (CONFIRMED, DISMISSED, OVERTURNED)]
    confirmed_n = sum(1 for s in judged if s == CONFIRMED)

    first_week = _week_start(now) - timedelta(weeks=WEEKS - 1)
    note_days = db.session.scalars(select(Note.created_at).where(Note.created_at >= first_week)).all()
    confirmed_days = db.session.scalars(select(AuditCase.opened_at).where(
        AuditCase.state == CONFIRMED, AuditCase.opened_at >= first_week)).all()
    notes_by_week = Counter(_week_start(d) for d in note_days)
    confirmed_by_week = Counter(_week_start(d) for d in confirmed_days)
    weeks = [Week(start, notes_by_week.get(start, 0), confirmed_by_week.get(start, 0))
             for start in (first_week + timedelta(weeks=i) for i in range(WEEKS))]

    recent = db.session.scalars(select(AuditCase.signal_codes)
                                .where(AuditCase.opened_at >= now - timedelta(days=SIGNAL_DAYS))).all()
    counts = Counter(code for codes in recent for code in codes.strip(",").split(",") if code)
    return Figures(open_cases, appeals, round(median(hours), 1) if hours else None,
                   round(100.0 * confirmed_n / len(judged), 1) if judged else None, len(judged),
                   weeks, chart(weeks), counts.most_common(TOP_SIGNALS), model_figures())


CHART_W, CHART_H, PAD = 320, 120, 16


def chart(weeks: list[Week]) -> list[Bar]:
    """Bars in a 320×(120+labels) box; the tallest week fills the height (at least 1%)."""
    top = max([w.rate_percent for w in weeks] + [1.0])
    slot = CHART_W // max(len(weeks), 1)
    bars = []
    for i, week in enumerate(weeks):
        height = int(round((CHART_H - PAD) * week.rate_percent / top))
        bars.append(Bar(i * slot + 4, CHART_H - height, slot - 8, height,
                        f"{week.start.month}/{week.start.day}", f"{week.rate_percent:.1f}%"))
    return bars


def model_figures() -> dict | None:
    """The current model's cross-validated figures, from the learning area when it offers
    them (``current_figures``), else from the model itself; None when no model is trained."""
    from marketplace.audit import learning

    offered = getattr(learning, "current_figures", None)
    if offered is not None:
        try:
            return offered()
        except Exception:
            return None
    model = scanning.current_model()
    if model is None:
        return None
    found = dict(getattr(model, "figures", {}) or {})
    return {"trained_at": getattr(model, "trained_at", ""), "rows": getattr(model, "rows", None),
            "positives": getattr(model, "positives", None),
            **{k: found.get(k) for k in ("precision", "recall", "f1", "pr_auc")}}
