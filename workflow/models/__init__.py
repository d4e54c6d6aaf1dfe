"""The tables. One module per area; import them all here so Alembic sees every table."""

from workflow.models.audit import AuditEvent
from workflow.models.case import Case
from workflow.models.contact import ContactLog
from workflow.models.history import TransitionRecord
from workflow.models.household import Household, HouseholdMember
from workflow.models.member import MemberAttempt, MemberLink, MemberReport, SmsReceipt
from workflow.models.mobility import ActivityCertificate, MobilityRecord
from workflow.models.monthly import MonthlyReport
from workflow.models.offline import OfflineReceipt
from workflow.models.org import OrgUnit
from workflow.models.outbox import Delivery, DeliveryAttempt, InboxItem, OutboxMessage
from workflow.models.people import Person, Project
from workflow.models.registration import RegistrationEntry
from workflow.models.scheduler import SchedulerHeartbeat, SchedulerJob
from workflow.models.security import LoginAttempt, UserSession
from workflow.models.supervisor import HealthSnapshot, ImportBatch
from workflow.models.user import User
from workflow.models.worklist import PROJECT_PATH_DUE, STATE_PATH_DUE  # noqa: F401  (list indexes)

__all__ = [
    "ActivityCertificate",
    "AuditEvent",
    "Case",
    "ContactLog",
    "Delivery",
    "DeliveryAttempt",
    "InboxItem",
    "MemberAttempt",
    "MemberLink",
    "MemberReport",
    "MobilityRecord",
    "MonthlyReport",
    "OfflineReceipt",
    "HealthSnapshot",
    "Household",
    "HouseholdMember",
    "ImportBatch",
    "LoginAttempt",
    "OrgUnit",
    "OutboxMessage",
    "Person",
    "Project",
    "RegistrationEntry",
    "SchedulerHeartbeat",
    "SchedulerJob",
    "SmsReceipt",
    "TransitionRecord",
    "User",
    "UserSession",
]
