"""The tables. One module per area; import them all here so Alembic sees every table."""

from workflow.models.audit import AuditEvent
from workflow.models.case import Case
from workflow.models.contact import ContactLog
from workflow.models.history import TransitionRecord
from workflow.models.org import OrgUnit
from workflow.models.people import Person, Project
from workflow.models.registration import RegistrationEntry
from workflow.models.security import LoginAttempt, UserSession
from workflow.models.user import User

__all__ = [
    "AuditEvent",
    "Case",
    "ContactLog",
    "LoginAttempt",
    "OrgUnit",
    "Person",
    "Project",
    "RegistrationEntry",
    "TransitionRecord",
    "User",
    "UserSession",
]
