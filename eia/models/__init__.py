"""Every table, importable from one place (Alembic reads SQLModel.metadata from here)."""

from sqlmodel import SQLModel

from .assessment import (
    ActionItem,
    Comment,
    Eia,
    EiaVersion,
    EngagementRecord,
    ImpactAssessment,
    IntersectionalCharacteristic,
    IntersectionalImpact,
    ReviewRecord,
    ScoredImpact,
    ScreeningAnswer,
    SignOff,
)
from .audit import GENESIS_HASH, AuditChain, AuditRecord
from .base import LONDON, as_utc, london_date, utcnow
from .benchmarks import BenchmarkCouncil, BenchmarkYear
from .characteristics import Characteristic
from .cube import DashboardCell
from .decisions import EiaDecision
from .health import ServiceBeat
from .imports import ImportedOriginal, ImportUpload
from .notifications import NotificationPreference, OutboxEmail
from .org import Directorate, Service, User
from .page_summary import EiaPageSummary
from .public import PublicCopy, PublicPdf, RateLimitCount
from .security import LoginAttempt
from .sso import AppSetting, ClaimMapping, IdentityLink, SignInCode
from .stages import StageSpell

metadata = SQLModel.metadata

__all__ = [
    "GENESIS_HASH",
    "ActionItem",
    "AppSetting",
    "BenchmarkCouncil",
    "BenchmarkYear",
    "AuditChain",
    "AuditRecord",
    "Characteristic",
    "ClaimMapping",
    "Comment",
    "DashboardCell",
    "Directorate",
    "Eia",
    "EiaDecision",
    "EiaPageSummary",
    "EiaVersion",
    "EngagementRecord",
    "IdentityLink",
    "ImportUpload",
    "ImportedOriginal",
    "ImpactAssessment",
    "IntersectionalCharacteristic",
    "IntersectionalImpact",
    "LoginAttempt",
    "NotificationPreference",
    "OutboxEmail",
    "PublicCopy",
    "PublicPdf",
    "RateLimitCount",
    "ReviewRecord",
    "ScoredImpact",
    "ScreeningAnswer",
    "Service",
    "ServiceBeat",
    "SignInCode",
    "SignOff",
    "StageSpell",
    "User",
    "metadata",
    "LONDON",
    "as_utc",
    "london_date",
    "utcnow",
]
