"""The data model, one module per entity. Importing this package registers every table."""
from .base import Base
from .list_of_waste import WasteCode, WasteHeading
from .material_need import APPLICATIONS, MaterialNeed, Requirement
from .organisation import Organisation, Review, Site, business_id_is_valid
from .outbox import OutboxMessage
from .side_stream import CATEGORIES, LEGAL_STATUSES, MeasuredValue, SideStream
from .user import ROLES, User

__all__ = [
    "APPLICATIONS", "Base", "CATEGORIES", "LEGAL_STATUSES", "MaterialNeed", "MeasuredValue",
    "Organisation", "OutboxMessage", "ROLES", "Requirement", "Review", "SideStream", "Site", "User",
    "WasteCode", "WasteHeading", "business_id_is_valid",
]
