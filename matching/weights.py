"""Every tunable number of the scoring, in one place (reasons: docs/matching.md).

Transport factors are estimates for a Finnish full-trailer truck (60 t gross,
about 40 t payload) in bulk haulage; see the notes on each.
"""

#: Weights of the fit components; the score is their weighted mean (0..1).
WEIGHTS = {
    "margin": 0.25,     # how comfortably inside each required range
    "profile": 0.20,    # resemblance to reference materials of the application
    "text": 0.15,       # TF-IDF similarity of titles and descriptions
    "category": 0.10,   # category typical for the application
    "quantity": 0.10,   # offered vs wanted tonnage
    "distance": 0.20,   # exponential decay with road distance
}

#: Score factor for a stream with missing analyses (unverified): below a
#: verified stream of equal fit, still above most weak verified fits.
UNVERIFIED_FACTOR = 0.85
#: Score factor per broken technical (guidance) rule.
TECHNICAL_MISS_FACTOR = 0.8
#: Score factor for infeasible pairs (only shown with include_infeasible;
#: they always sort after feasible ones anyway).
INFEASIBLE_FACTOR = 0.5

#: Road km = great-circle km x DETOUR_FACTOR. Circuity of road networks is
#: typically 1.2-1.4 (Ballou, Rahardja & Sakai 2002, Transportation Research
#: A 36:843-848, country circuity factors); 1.3 chosen for sparse northern
#: networks. NOT verified for Finland in this build.
DETOUR_FACTOR = 1.3
#: Truck haulage cost, EUR per tonne-km, bulk full-trailer incl. empty return.
#: NOT verified in this build (brief's range 0.10-0.15); mid value.
COST_EUR_PER_TKM = 0.12
#: Fixed loading/unloading cost per tonne, EUR/t. Engine assumption.
COST_EUR_PER_T_FIXED = 0.0
#: CO2 per tonne-km, kg. VTT LIPASTO unit emissions list full-trailer
#: combinations (60 t) on highways at roughly 40-60 g CO2/tkm depending on
#: load; 0.055 kg/tkm chosen to include part-empty returns. The exact
#: LIPASTO table value was NOT retrieved in this build (database withdrawn
#: 2022; lipasto.vtt.fi).
CO2_KG_PER_TKM = 0.055

#: e-folding length of the distance decay, road km.
DISTANCE_DECAY_KM = 150.0
#: Candidate radius when a need states no max_distance_km, road km.
DEFAULT_MAX_ROAD_KM = 600.0
#: Text similarity is rescaled: cosine >= TEXT_FULL counts as 1.
TEXT_FULL = 0.35
#: Relative headroom counted as full margin (0.5 = 50 % inside the limit).
MARGIN_FULL = 0.5
#: RBF width for profile similarity, in standard deviations.
PROFILE_GAMMA = 0.5
#: Category component when the category is typical / not typical.
CATEGORY_TYPICAL, CATEGORY_OTHER = 1.0, 0.3

#: Documented use of a material for an application (catalogue's use matrix):
#: its tier decides the score before any resemblance of numbers.
USE_TIERS = {"proven": 2, "possible": 1, "unsuitable": 0}
#: Share of the fit given to established practice within the proven tier:
#: fit = fit x (1 - share) + share where a standard, product class or
#: national guide names the use (materials.json ``established``). A tie-break,
#: not a tier: 0.05 tried with 0.10 and 0.15 on both labelled sets (0.05 best
#: on the first set, 0.10 slightly better on the practice set; docs/matching.md).
ESTABLISHED_SHARE = 0.05
#: Score = (tier + fit x FIT_SPAN) / LEVELS: the tier (0..2) decides, the
#: fit (0..1) orders pairs only within a tier.
LEVELS = 3
FIT_SPAN = 0.999
#: A material type read with less confidence than this is unverified and
#: its documented uses are not counted. The recogniser's probabilities are
#: calibrated, so 0.5 means the reading is at least as likely right as wrong.
MIN_MATERIAL_CONFIDENCE = 0.5

#: Missing analyses named in a match's one-line summary; the rest are in its reasons.
SUMMARY_MISSING_SHOWN = 3
