"""Sivuvirta matching engine: side streams <-> material needs.

No Flask, no database: contract records in, ranked matches with reasons out.
"""
from .contract import ContractError
from .knowledge import load_knowledge
from .matcher import Matcher
from .model import Match, Need, PairingIdea, Requirement, Stream, validate_batch
from .reasons import Reason
from .table import StreamTable

__all__ = ["Stream", "Need", "Requirement", "Matcher", "Match", "Reason", "PairingIdea",
           "load_knowledge", "validate_batch", "ContractError", "StreamTable"]
