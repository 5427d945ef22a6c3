"""Imports every area's models so metadata (create_all, migrations) sees all tables."""
from marketplace.api_tokens.models import ApiToken  # noqa: F401
from marketplace.audit.models import RankingModel, TrainingLabel  # noqa: F401
from marketplace.audit_trail.models import TrailEntry  # noqa: F401
from marketplace.auth.models import LoginAttempt, User  # noqa: F401
from marketplace.brands.models import BrandProfile  # noqa: F401
from marketplace.briefs.models import Brief  # noqa: F401
from marketplace.cases.models import AuditCase, BrandPoints, Rescan, Strike  # noqa: F401
from marketplace.creators.models import CreatorProfile  # noqa: F401
from marketplace.filings.models import Filing  # noqa: F401
from marketplace.funding.models import StripeEvent, TopUp  # noqa: F401
from marketplace.notes.models import Note, NoteImage, NoteTag  # noqa: F401
from marketplace.notifications.models import Notification  # noqa: F401
from marketplace.orders.models import Draft, Order, OrderEvent  # noqa: F401
from marketplace.outbox.models import OutboxItem  # noqa: F401
from marketplace.payout_accounts.models import PayoutAccount  # noqa: F401
from marketplace.payouts.models import Payout, PayoutDifference, RateBucket  # noqa: F401
from marketplace.search.documents import search_documents  # noqa: F401
from marketplace.ledger.models import Account, Entry, Transaction  # noqa: F401
import marketplace.ledger.guard  # noqa: F401,E402  (append-only triggers on create_all)
from marketplace.metrics.models import MetricReport, SettlementSnapshot  # noqa: F401,E402
import marketplace.metrics.guard  # noqa: F401,E402  (frozen-snapshot triggers on create_all)
import marketplace.filings.guard  # noqa: F401,E402  (protected notes stay up, by any path)
