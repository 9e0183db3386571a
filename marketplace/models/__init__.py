"""The data model, one module per entity. Importing this package registers every table."""
from .api_token import TOKEN_SCOPES, ApiToken
from .attachment import ATTACHMENT_KINDS, Attachment
from .audit import AuditEvent
from .base import Base
from .activity import ACTIVITY_KINDS, Activity, ActivitySignup
from .deal import STATES as DEAL_STATES, TRANSITIONS as DEAL_TRANSITIONS, Deal, DealEvent, Delivery, DeliveryChange
from .enquiry import ENQUIRY_KINDS, ENQUIRY_STATES, Enquiry, EnquiryMessage
from .notification import NOTICE_KINDS, Notice
from .message import DealMessage
from .match_mark import MatchMark
from .notification_setting import NOTIFICATION_KINDS, DigestEntry, NotificationSetting
from .import_job import ImportJob
from .job import JOB_STATES, Job
from .report_file import REPORT_FORMATS, REPORT_KINDS, ReportFile
from .invitation import INVITABLE_ROLES, Invitation
from .list_of_waste import WasteCode, WasteHeading
from .match import Match
from .listing_change import CHANGE_KINDS, ListingChange
from .match_refresh import REFRESH_PHASES, MatchRefresh
from .pairing_idea import PairingIdea
from .blend import Blend, BlendPart
from .material_need import APPLICATIONS, MaterialNeed, Requirement
from .organisation import Organisation, Review, Site, business_id_is_valid
from .outbox import OutboxMessage
from .cluster_profile import ClusterProfile
from .evaluation import Evaluation
from .provider_service import PROVIDER_KINDS, SERVICE_KINDS, THEMES, ProviderService, ServiceProvider
from .service_request import REQUEST_STATES, ServiceRequest, ServiceRequestMessage
from .side_stream import CATEGORIES, LEGAL_STATUSES, MeasuredValue, SideStream
from .user import ROLES, User
from .user_session import UserSession
from .verification_document import VerificationDocument
from .legal_evidence_check import LegalEvidenceCheck
from .listing_closure import CLOSING_REASONS, ListingClosure, ListingReminder
from .permit import PERMIT_KINDS, Permit
from .saved_search import FREQUENCIES, SEARCH_KINDS, SavedSearch, SavedSearchHit
from .transfer_document import TransferDocument

__all__ = [
    "ACTIVITY_KINDS", "Activity", "ActivitySignup", "DEAL_STATES", "DEAL_TRANSITIONS", "Deal",
    "DealEvent", "DealMessage", "Delivery", "DeliveryChange", "ENQUIRY_KINDS", "ENQUIRY_STATES",
    "Enquiry", "EnquiryMessage", "NOTICE_KINDS", "Notice", "DigestEntry", "MatchMark", "NOTIFICATION_KINDS",
    "NotificationSetting",
    "ApiToken", "TOKEN_SCOPES",
    "AuditEvent", "INVITABLE_ROLES", "Invitation", "VerificationDocument",
    "ATTACHMENT_KINDS", "Attachment", "ImportJob", "JOB_STATES", "Job", "ReportFile", "REPORT_FORMATS", "REPORT_KINDS",
    "APPLICATIONS", "Base", "CATEGORIES", "LEGAL_STATUSES", "Match", "MaterialNeed", "MeasuredValue",
    "Organisation", "OutboxMessage", "ROLES", "Requirement", "Review", "SideStream", "Site", "User",
    "WasteCode", "WasteHeading", "business_id_is_valid",
    "ClusterProfile", "Evaluation", "PROVIDER_KINDS", "SERVICE_KINDS", "THEMES", "ProviderService",
    "ServiceProvider", "REQUEST_STATES", "ServiceRequest", "ServiceRequestMessage",
    "CLOSING_REASONS", "FREQUENCIES", "LegalEvidenceCheck", "ListingClosure", "ListingReminder",
    "PERMIT_KINDS", "Permit", "SEARCH_KINDS", "SavedSearch", "SavedSearchHit", "TransferDocument",
    "CHANGE_KINDS", "ListingChange", "REFRESH_PHASES", "MatchRefresh", "PairingIdea", "UserSession", "Blend", "BlendPart",
]
