"""Brands' campaign reports: per brief and per note, with a daily trend and a per-creator
comparison, and the same figures as CSV.

Figures are the latest report of each note (reports are cumulative: "reached so far as of").
Money is integer cents; ratios are computed on integers and rounded half up:

- engagement = likes + saves + comments + shares
- read rate = reads ÷ impressions; engagement rate = engagement ÷ reads (basis points)
- CPM = spend × 1,000 ÷ impressions; cost per read = spend ÷ reads; cost per engagement =
  spend ÷ engagement (cents)
- planting value = deep reads × 1 + saves × 3 + shares × 4 + searches after reading × 5
  (points: how far readers went toward buying, searches weighing most)

Spend is what the brand pays for the orders whose notes are measured (fee + service fee);
the budget is the creators wanted × (fixed fee + service fee), plus the bonus cap per creator.
"""
from __future__ import annotations

import csv
import io
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from flask import current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from marketplace import clock
from marketplace.brands.models import BrandProfile
from marketplace.briefs.models import Brief
from marketplace.errors import NotFound
from marketplace.extensions import db
from marketplace.metrics.models import FIELDS, MetricReport, SettlementSnapshot
from marketplace.money import share_of
from marketplace.orders.models import Order
from marketplace.orders.states import State

PLANTING_WEIGHTS = {"deep_reads": 1, "saves": 3, "shares": 4, "searches_after_reading": 5}
PLANTING_FORMULA = _l("Planting value = deep reads × 1 + saves × 3 + shares × 4 + searches after reading × 5")
MEASURED = (State.PUBLISHED, State.METRICS_REPORTED, State.PAYOUT_SCHEDULED, State.PAID, State.COMPLETED)
TREND_DAYS_MAX = 92


def ratio(numerator: int, denominator: int, scale: int = 1) -> int | None:
    """``numerator × scale ÷ denominator`` rounded half up, on integers; None over zero."""
    if not denominator:
        return None
    return (2 * numerator * scale + denominator) // (2 * denominator)


@dataclass
class Figures:
    """Counted figures and spend, with every derived measure."""

    impressions: int = 0
    reads: int = 0
    likes: int = 0
    saves: int = 0
    comments: int = 0
    shares: int = 0
    follows: int = 0
    deep_reads: int = 0
    searches_after_reading: int = 0
    spend_cents: int = 0

    def add(self, other: "Figures") -> None:
        for name in (*FIELDS, "spend_cents"):
            setattr(self, name, getattr(self, name) + getattr(other, name))

    @property
    def engagement(self) -> int:
        return self.likes + self.saves + self.comments + self.shares

    @property
    def read_rate_bps(self) -> int | None:
        return ratio(self.reads, self.impressions, 10_000)

    @property
    def engagement_rate_bps(self) -> int | None:
        return ratio(self.engagement, self.reads, 10_000)

    @property
    def cpm_cents(self) -> int | None:
        return ratio(self.spend_cents, self.impressions, 1000)

    @property
    def cost_per_read_cents(self) -> int | None:
        return ratio(self.spend_cents, self.reads)

    @property
    def cost_per_engagement_cents(self) -> int | None:
        return ratio(self.spend_cents, self.engagement)

    @property
    def planting_value(self) -> int:
        return sum(getattr(self, name) * weight for name, weight in PLANTING_WEIGHTS.items())


@dataclass
class NoteRow:
    order: Order
    figures: Figures
    as_of: datetime | None
    snapshot: SettlementSnapshot | None = None

    @property
    def creator(self) -> str:
        return self.order.creator.handle


@dataclass
class BriefReport:
    brief: Brief
    rows: list[NoteRow]
    total: Figures
    budget_cents: int | None
    committed_cents: int
    trend: list[tuple[date, int, int]] = field(default_factory=list)  # day, impressions, reads
    by_creator: list[tuple[str, int, int]] = field(default_factory=list)  # handle, reads, engagement

    @property
    def currency(self) -> str:
        return self.brief.currency

    @property
    def budget_used_bps(self) -> int | None:
        return ratio(self.total.spend_cents, self.budget_cents or 0, 10_000)


# ---- who may see what ---------------------------------------------------------------------

def _may_see(viewer, brief: Brief) -> bool:
    if getattr(viewer, "is_staff", False):
        return True
    return bool(getattr(viewer, "is_brand", False) and brief.brand.user_id == viewer.id)


def load_brief(brief_id: int, viewer) -> Brief:
    """The brief whose report ``viewer`` may read (its brand, or staff); others get NotFound."""
    brief = db.session.get(Brief, brief_id)
    if brief is None or brief.is_draft or not _may_see(viewer, brief):
        raise NotFound(_("There is no report for brief %(id)s.", id=brief_id))
    return brief


def load_order(order_id: int, viewer) -> Order:
    order = db.session.get(Order, order_id)
    if order is None or order.note_id is None or not _may_see(viewer, order.brief):
        raise NotFound(_("There is no report for order %(id)s.", id=order_id))
    return order


def briefs_for(viewer) -> list[tuple[Brief, BriefReport]]:
    """Every non-draft brief of the viewer's brand with its report, newest first."""
    query = select(Brief).where(Brief.state != "draft").order_by(Brief.created_at.desc(), Brief.id.desc())
    if not getattr(viewer, "is_staff", False):
        query = query.join(BrandProfile, BrandProfile.id == Brief.brand_id).where(BrandProfile.user_id == viewer.id)
    return [(brief, brief_report(brief, with_charts=False)) for brief in db.session.scalars(query)]


# ---- building reports ---------------------------------------------------------------------

def _latest_reports(note_ids: list[int]) -> dict[int, MetricReport]:
    if not note_ids:
        return {}
    latest: dict[int, MetricReport] = {}
    for report in db.session.scalars(select(MetricReport).where(MetricReport.note_id.in_(note_ids))
                                     .order_by(MetricReport.note_id, MetricReport.as_of)):
        latest[report.note_id] = report
    return latest


def _figures(report: MetricReport | None, spend_cents: int) -> Figures:
    values = report.figures() if report is not None else {}
    return Figures(spend_cents=spend_cents, **values)


def budget_cents(brief: Brief) -> int | None:
    if brief.fee_mode != "fixed" or not brief.fee_cents:
        return None
    per_creator = brief.fee_cents + share_of(brief.fee_cents, current_app.config["SERVICE_FEE_BPS"])
    return brief.slots * (per_creator + (brief.bonus_cap_cents or 0))


def brief_report(brief: Brief, *, with_charts: bool = True) -> BriefReport:
    orders = list(db.session.scalars(select(Order).where(Order.brief_id == brief.id).order_by(Order.id)))
    measured = [o for o in orders if o.state in MEASURED and o.note_id is not None]
    committed = sum(o.total_cents for o in orders
                    if o.state in (State.ACCEPTED, State.IN_REVIEW, State.APPROVED))
    latest = _latest_reports([o.note_id for o in measured])
    snapshots = {s.order_id: s for s in db.session.scalars(
        select(SettlementSnapshot).where(SettlementSnapshot.order_id.in_([o.id for o in measured])))} if measured else {}
    rows, total = [], Figures()
    for order in measured:
        report = latest.get(order.note_id)
        row = NoteRow(order, _figures(report, order.total_cents), report.as_of if report else None,
                      snapshots.get(order.id))
        rows.append(row)
        total.add(row.figures)
    result = BriefReport(brief, rows, total, budget_cents(brief), committed)
    if with_charts:
        result.trend = daily_trend([o.note_id for o in measured])
        creators: dict[str, list[int]] = defaultdict(lambda: [0, 0])
        for row in rows:
            creators[row.creator][0] += row.figures.reads
            creators[row.creator][1] += row.figures.engagement
        result.by_creator = sorted(((h, r, e) for h, (r, e) in creators.items()), key=lambda c: (-c[1], c[0]))
    return result


def daily_trend(note_ids: list[int], today: date | None = None) -> list[tuple[date, int, int]]:
    """Per day: impressions and reads reached so far, summed over the notes (each note's
    latest report by the end of that day, carried forward over days without one)."""
    if not note_ids:
        return []
    reports = list(db.session.execute(
        select(MetricReport.note_id, MetricReport.as_of, MetricReport.impressions, MetricReport.reads)
        .where(MetricReport.note_id.in_(note_ids)).order_by(MetricReport.as_of, MetricReport.id)))
    if not reports:
        return []
    today = today or clock.now().date()
    first = max(reports[0].as_of.date(), today - timedelta(days=TREND_DAYS_MAX - 1))
    last = max(reports[-1].as_of.date(), today, first)
    current: dict[int, tuple[int, int]] = {}
    days, i = [], 0
    day = first
    while day <= last:
        while i < len(reports) and reports[i].as_of.date() <= day:
            current[reports[i].note_id] = (reports[i].impressions, reports[i].reads)
            i += 1
        days.append((day, sum(v[0] for v in current.values()), sum(v[1] for v in current.values())))
        day += timedelta(days=1)
    return days


def note_report(order: Order) -> tuple[NoteRow, list[MetricReport]]:
    history = list(db.session.scalars(select(MetricReport).where(MetricReport.note_id == order.note_id)
                                      .order_by(MetricReport.as_of)))
    latest = history[-1] if history else None
    snapshot = db.session.scalar(select(SettlementSnapshot).where(SettlementSnapshot.order_id == order.id))
    return NoteRow(order, _figures(latest, order.total_cents), latest.as_of if latest else None, snapshot), history


# ---- CSV ---------------------------------------------------------------------------------

CSV_MEASURES = ("engagement", "read_rate_bps", "engagement_rate_bps", "planting_value", "spend_cents",
                "cpm_cents", "cost_per_read_cents", "cost_per_engagement_cents")


def _measures(figures: Figures) -> list:
    return [*(getattr(figures, name) for name in FIELDS),
            *("" if getattr(figures, name) is None else getattr(figures, name) for name in CSV_MEASURES)]


def brief_csv(report: BriefReport) -> str:
    """One row per note, then the total; money in integer cents of the brief's currency."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["order", "creator", "note_id", "as_of", *FIELDS, *CSV_MEASURES, "currency",
                     "settled_checksum"])
    for row in report.rows:
        writer.writerow([row.order.reference, row.creator, row.order.note_id,
                         row.as_of.isoformat() if row.as_of else "", *_measures(row.figures), report.currency,
                         row.snapshot.checksum if row.snapshot else ""])
    writer.writerow(["total", "", "", "", *_measures(report.total), report.currency, ""])
    return out.getvalue()


def note_csv(row: NoteRow, history: list[MetricReport]) -> str:
    """Every report of the note, oldest first, with the measures at each."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["order", "note_id", "as_of", *FIELDS, *CSV_MEASURES, "currency", "source"])
    for report in history:
        figures = _figures(report, row.order.total_cents)
        writer.writerow([row.order.reference, row.order.note_id, report.as_of.isoformat(), *_measures(figures),
                         row.order.currency, report.source])
    return out.getvalue()
