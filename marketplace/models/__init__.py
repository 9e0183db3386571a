"""The data model, one module per entity. Importing this package registers every table."""
from .attachment import ATTACHMENT_KINDS, Attachment
from .audit import AuditEvent
from .base import Base
from .import_job import ImportJob
from .invitation import INVITABLE_ROLES, Invitation
from .list_of_waste import WasteCode, WasteHeading
from .match import Match
from .material_need import APPLICATIONS, MaterialNeed, Requirement
from .organisation import Organisation, Review, Site, business_id_is_valid
from .outbox import OutboxMessage
from .side_stream import CATEGORIES, LEGAL_STATUSES, MeasuredValue, SideStream
from .user import ROLES, User
from .verification_document import VerificationDocument

__all__ = [
    "AuditEvent", "INVITABLE_ROLES", "Invitation", "VerificationDocument",
    "ATTACHMENT_KINDS", "Attachment", "ImportJob",
    "APPLICATIONS", "Base", "CATEGORIES", "LEGAL_STATUSES", "Match", "MaterialNeed", "MeasuredValue",
    "Organisation", "OutboxMessage", "ROLES", "Requirement", "Review", "SideStream", "Site", "User",
    "WasteCode", "WasteHeading", "business_id_is_valid",
]
