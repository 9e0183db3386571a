"""The service vocabulary (``marketplace/data/service_kinds.json``): kinds of service and
provider, the themes of the East and North Finland smart-specialisation strategy, and for
each analysis the contract's property keys it measures and the standard it follows."""
from __future__ import annotations

from functools import lru_cache

from ..models.provider_service import _VOCABULARY, PROVIDER_KINDS, SERVICE_KINDS, THEMES

GROUP_ORDER = ("analysis", "processing", "logistics", "expertise")


def kind(name: str) -> dict:
    return _VOCABULARY["kinds"][name]


def _name(record: dict | None, language: str, fallback: str) -> str:
    """The record's name_fi, name_sv or name_en for the language; English if it has none."""
    if not record:
        return fallback
    return record.get(f"name_{language}") or record.get("name_en") or fallback


def kind_name(name: str, language: str) -> str:
    return _name(_VOCABULARY["kinds"].get(name), language, name)


def provider_kind_name(name: str, language: str) -> str:
    return _name(_VOCABULARY["provider_kinds"].get(name), language, name)


def theme_name(name: str, language: str) -> str:
    return _name(_VOCABULARY["themes"].get(name), language, name)


def group_name(name: str, language: str) -> str:
    return _name(_VOCABULARY["groups"].get(name), language, name)


def standard(name: str) -> str | None:
    return _VOCABULARY["kinds"][name].get("standard")


def measures(name: str) -> tuple[str, ...]:
    """The property keys an analysis measures (empty for other services)."""
    return tuple(_VOCABULARY["kinds"][name].get("measures", ()))


@lru_cache(maxsize=1)
def _kinds_by_key() -> dict[str, tuple[str, ...]]:
    table: dict[str, list[str]] = {}
    for name in SERVICE_KINDS:
        for key in measures(name):
            table.setdefault(key, []).append(name)
    return {key: tuple(names) for key, names in table.items()}


def kinds_measuring(key: str) -> tuple[str, ...]:
    """The analyses that measure a property key ('leach:Cr' -> ('analysis_leaching',));
    empty for what no analysis gives (an EWC code, a quantity)."""
    return _kinds_by_key().get(key, ())


def kinds_by_group(language: str) -> list[tuple[str, list[tuple[str, str]]]]:
    """[(group label, [(kind, label), ...]), ...] for select boxes."""
    groups = []
    for group in GROUP_ORDER:
        members = [(k, kind_name(k, language)) for k in SERVICE_KINDS if kind(k)["group"] == group]
        groups.append((group_name(group, language), members))
    return groups


__all__ = ["PROVIDER_KINDS", "SERVICE_KINDS", "THEMES", "kind_name", "kinds_measuring", "measures",
           "provider_kind_name", "theme_name", "standard", "kinds_by_group"]
