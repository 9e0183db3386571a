"""The impact of deals: tonnes kept from landfill, CO2 avoided and money, per deal and in
total, by month, material, use and municipality.

Units: tonnes (t), tonnes of CO2 equivalent (t CO2e), euros (EUR). Factors and their
sources: ``marketplace/data/impact_factors.json``.

Tonnes of a deal: the deliveries the broker recorded; a deal without any counts its agreed
tonnes a year pro rata over the days it spent delivering (from its move to 'delivering'
until it was completed or cancelled, or until today).
"""
from __future__ import annotations

import json
from calendar import monthrange
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import lru_cache
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy import orm

from ..models import Deal
from ..models.base import utcnow

FACTORS_PATH = Path(__file__).resolve().parent.parent / "data" / "impact_factors.json"
DAYS_PER_YEAR = 365.25


@lru_cache(maxsize=1)
def factors() -> dict:
    return json.loads(FACTORS_PATH.read_text("utf-8"))


def application_factor(application: str) -> dict:
    table = factors()["applications"]
    return table.get(application) or table["other"]


def avoided_kg_per_t(application: str, transport_co2_kg_per_t: float | None) -> float:
    """kg CO2e avoided per tonne of side stream used: the virgin material replaced, less
    the road haulage from the stream to the need (negative where haulage outweighs it)."""
    factor = application_factor(application)
    return factor["virgin_kg_co2e_per_t"] * factor["replacement"] - (transport_co2_kg_per_t or 0.0)


def landfill_tax_applies(deal: Deal) -> bool:
    tax = factors()["landfill_tax"]
    if not deal.was_waste:
        return False
    if tax.get("exempt_hazardous") and deal.hazardous:
        return False
    return deal.category not in tax["exempt_categories"]


@dataclass
class DealImpact:
    deal: Deal
    months: dict[str, float] = field(default_factory=dict)  # "YYYY-MM" -> tonnes
    from_deliveries: bool = False

    @property
    def tonnes(self) -> float:
        return sum(self.months.values())

    def tonnes_in(self, year: int | None) -> float:
        if year is None:
            return self.tonnes
        return sum(t for month, t in self.months.items() if month.startswith(f"{year:04d}-"))

    @property
    def kg_co2e_per_t(self) -> float:
        return avoided_kg_per_t(self.deal.application, self.deal.transport_co2_kg_per_t)

    def co2_t(self, year: int | None = None) -> float:
        return self.tonnes_in(year) * self.kg_co2e_per_t / 1000.0

    def trade_eur(self, year: int | None = None) -> float:
        return self.tonnes_in(year) * (self.deal.price_eur_per_t or 0.0)

    def landfill_tax_eur(self, year: int | None = None) -> float:
        if not landfill_tax_applies(self.deal):
            return 0.0
        return self.tonnes_in(year) * factors()["landfill_tax"]["eur_per_t"]

    def value_eur(self, year: int | None = None) -> float:
        return self.trade_eur(year) + self.landfill_tax_eur(year)


def _spread(start: date, end: date, tonnes_per_year: float) -> dict[str, float]:
    """Tonnes a year spread day by day over [start, end), summed by month."""
    months: dict[str, float] = defaultdict(float)
    per_day = tonnes_per_year / DAYS_PER_YEAR
    day = start
    while day < end:
        last = date(day.year, day.month, monthrange(day.year, day.month)[1])
        stop = min(end, last + timedelta(days=1))
        months[f"{day.year:04d}-{day.month:02d}"] += (stop - day).days * per_day
        day = stop
    return dict(months)


def delivering_period(deal: Deal, today: date) -> tuple[date, date] | None:
    start = end = None
    for event in deal.events:
        if event.to_state == "delivering" and start is None:
            start = event.created_at.date()
        elif start is not None and event.to_state in ("completed", "cancelled"):
            end = event.created_at.date()
    if start is None:
        return None
    return start, (end or today)


def deal_impact(deal: Deal, today: date | None = None) -> DealImpact:
    today = today or utcnow().date()
    if deal.deliveries:
        months: dict[str, float] = defaultdict(float)
        for delivery in deal.deliveries:
            months[delivery.delivered_on.strftime("%Y-%m")] += delivery.tonnes
        return DealImpact(deal, dict(months), from_deliveries=True)
    period = delivering_period(deal, today)
    if period is None or not deal.tonnes_per_year:
        return DealImpact(deal, {})
    return DealImpact(deal, _spread(period[0], period[1], deal.tonnes_per_year))


def all_impacts(session, today: date | None = None) -> list[DealImpact]:
    """Every deal that has delivered something (recorded or pro rata)."""
    deals = session.scalars(
        sa.select(Deal).order_by(Deal.id).options(
            orm.selectinload(Deal.events), orm.selectinload(Deal.deliveries),
            orm.selectinload(Deal.supplier), orm.selectinload(Deal.buyer),
        )
    )
    impacts = [deal_impact(deal, today) for deal in deals]
    return [i for i in impacts if i.tonnes > 0]


@dataclass
class Totals:
    tonnes: float = 0.0
    co2_t: float = 0.0
    trade_eur: float = 0.0
    landfill_tax_eur: float = 0.0
    deals: int = 0
    # Of those deals, the ones delivering now: a completed or cancelled deal still counts its
    # tonnes above, but is no longer "in delivery".
    delivering_now: int = 0

    @property
    def value_eur(self) -> float:
        return self.trade_eur + self.landfill_tax_eur

    def add(self, impact: DealImpact, year: int | None) -> None:
        tonnes = impact.tonnes_in(year)
        if tonnes <= 0:
            return
        self.tonnes += tonnes
        self.co2_t += impact.co2_t(year)
        self.trade_eur += impact.trade_eur(year)
        self.landfill_tax_eur += impact.landfill_tax_eur(year)
        self.deals += 1
        if impact.deal.state == "delivering":
            self.delivering_now += 1


@dataclass
class Summary:
    year: int | None
    total: Totals
    by_month: dict[str, Totals]
    by_material: dict[str, Totals]
    by_application: dict[str, Totals]
    by_municipality: dict[str, Totals]
    impacts: list[DealImpact]


def summarise(impacts: list[DealImpact], year: int | None = None) -> Summary:
    total = Totals()
    by_month: dict[str, Totals] = defaultdict(Totals)
    by_material: dict[str, Totals] = defaultdict(Totals)
    by_application: dict[str, Totals] = defaultdict(Totals)
    by_municipality: dict[str, Totals] = defaultdict(Totals)
    kept = []
    for impact in impacts:
        if impact.tonnes_in(year) <= 0:
            continue
        kept.append(impact)
        total.add(impact, year)
        by_material[impact.deal.category].add(impact, year)
        by_application[impact.deal.application].add(impact, year)
        by_municipality[impact.deal.place or "–"].add(impact, year)
        for month, tonnes in impact.months.items():
            if year is not None and not month.startswith(f"{year:04d}-"):
                continue
            bucket = by_month[month]
            share = tonnes / impact.tonnes
            bucket.tonnes += tonnes
            bucket.co2_t += impact.co2_t() * share
            bucket.trade_eur += impact.trade_eur() * share
            bucket.landfill_tax_eur += impact.landfill_tax_eur() * share
    return Summary(year, total, dict(sorted(by_month.items())),
                   _by_tonnes(by_material), _by_tonnes(by_application), _by_tonnes(by_municipality), kept)


def _by_tonnes(groups: dict[str, Totals]) -> dict[str, Totals]:
    return dict(sorted(groups.items(), key=lambda item: -item[1].tonnes))
