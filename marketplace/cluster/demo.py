"""The demo's cluster page: a ClusterProfile text in both languages (made-up names)."""
from __future__ import annotations

import sqlalchemy as sa

from ..models import ClusterProfile

TEXT_FI = (
    "Lapin teollisen kiertotalouden klusteri kokoaa yhteen sivuvirtojen tuottajat, niiden "
    "hyödyntäjät, laboratoriot, pilottilaitokset ja innovaatioalustat. Klusteria vetää Kemin "
    "kiertotalouskeskus, joka välittää sopimuksia, järjestää jäsenille tapahtumia ja auttaa "
    "löytämään analyysit, joita sivuvirran hyödyntäminen vaatii.\n\n"
    "Klusteri toteuttaa Lapin älykkään erikoistumisen strategiaa ja Itä- ja Pohjois-Suomen "
    "yhteisiä painopisteitä: puhdas teknologia ja vähähiilisyys, teollinen kiertotalous, "
    "ICT ja digitalisaatio sekä innovatiivinen tuotanto."
)
TEXT_EN = (
    "The industrial circular economy cluster of Lapland brings together the producers of side "
    "streams, those who use them, laboratories, pilot plants and innovation platforms. The "
    "Circular Economy Center in Kemi leads it: it brokers deals, holds events for the members "
    "and helps them find the analyses that putting a side stream to use requires.\n\n"
    "The cluster carries out Lapland's smart-specialisation strategy and the shared priorities "
    "of East and North Finland: clean technology and low carbon, industrial circular economy, "
    "ICT and digitalisation, and innovative production."
)


def load_demo_cluster(session) -> ClusterProfile:
    profile = session.scalar(sa.select(ClusterProfile).order_by(ClusterProfile.id).limit(1))
    if profile is None:
        profile = ClusterProfile()
        session.add(profile)
    profile.name_fi = "Lapin teollisen kiertotalouden klusteri"
    profile.name_en = "Industrial circular economy cluster of Lapland"
    profile.text_fi, profile.text_en = TEXT_FI, TEXT_EN
    profile.director_name = "Aino Välittäjä"
    profile.director_email = "aino.broker@example.fi"
    session.flush()
    return profile
