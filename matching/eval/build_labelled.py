"""Builds matching/eval/labelled.json: the labelled evaluation set.

Streams are archetypes of real northern Finnish / Nordic side streams placed
at the towns that produce them; needs are realistic buyer needs. A grade
0..3 per (need, stream) comes from SUITABILITY (published practice for the
archetype in the application, each with its justification), then hard rules
cut it to 0: distance beyond the buyer's limit, waste refused by the buyer
(Waste Act 646/2011 s. 29), hazardous entries for land uses, a legal limit
broken. Run: python -m matching.eval.build_labelled
"""
from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np

TOWNS = {"Tornio": (65.85, 24.15), "Kemi": (65.74, 24.56), "Oulu": (65.01, 25.47),
         "Raahe": (64.68, 24.48), "Kokkola": (63.84, 23.13), "Harjavalta": (61.31, 22.14),
         "Kittila": (67.66, 24.91), "Sodankyla": (67.42, 26.59), "Kemijarvi": (66.71, 27.43),
         "Rovaniemi": (66.50, 25.73), "Pietarsaari": (63.68, 22.70), "Lulea": (65.58, 22.15),
         "Siilinjarvi": (63.08, 27.66), "Sotkamo": (64.13, 28.39), "Kajaani": (64.22, 27.73)}

# archetype: category, ewc, legal, title, description, values, towns
A = {
 "fecr_slag": ("slag", "10 02 02", "by_product", "Ferrochrome slag, air-cooled, crushed 0-16 mm", "Lumpy FeCr slag from the Tornio ferrochrome works, used as aggregate (OKTO).",
   {"SiO2": 30, "Al2O3": 25, "MgO": 23, "CaO": 2, "Cr2O3": 7, "Fe2O3": 3, "Cr": 40000, "Ni": 150, "V": 200, "leach:Cr": 0.05, "los_angeles": 20, "S": 0.1, "SO3": 0.2, "d50_mm": 6}, ["Tornio", "Kemi"]),
 "coal_fly_ash": ("ash", "10 01 02", "waste", "Coal and peat fly ash, dry", "Siliceous fly ash from a CHP plant burning coal and peat; electrostatic precipitator.",
   {"SiO2": 50, "Al2O3": 24, "Fe2O3": 7, "CaO": 5, "MgO": 2, "SO3": 0.8, "LOI": 3.5, "Cl": 0.02, "P2O5": 0.5, "CaO_free": 0.6, "amorphous_pct": 72,
    "As": 20, "Ba": 900, "Cd": 0.8, "Cr": 90, "Cu": 80, "Hg": 0.2, "Pb": 40, "Mo": 8, "Ni": 60, "V": 150, "Zn": 150,
    "leach:Sb": 0.05, "leach:As": 0.1, "leach:Ba": 5, "leach:Cd": 0.01, "leach:Cr": 0.3, "leach:Cu": 0.2, "leach:Hg": 0.002, "leach:Pb": 0.05, "leach:Mo": 0.3, "leach:Ni": 0.05,
    "leach:V": 0.5, "leach:Zn": 0.3, "leach:Se": 0.05, "leach:Cl": 100, "leach:SO4": 800, "leach:F": 3, "leach:DOC": 30, "d50_mm": 0.02}, ["Oulu", "Kemi", "Kokkola", "Rovaniemi", "Pietarsaari", "Kajaani", "Harjavalta"]),
 "wood_ash": ("ash", "10 01 03", "by_product", "Wood and bark fly ash (bio-ash)", "Fly ash from a bark and wood chip fired boiler at a pulp mill; puuntuhka, metsälannoite.",
   {"CaO": 30, "K2O": 5, "P2O5": 2, "MgO": 3.5, "SiO2": 25, "LOI": 5, "neutralising_value_pct": 25, "As": 8, "Cd": 2.0, "Cr": 40, "CrVI": 0.5, "Cu": 70, "Hg": 0.1, "Ni": 25, "Pb": 15, "Zn": 900}, ["Kemi", "Oulu", "Kemijarvi", "Pietarsaari", "Kajaani", "Rovaniemi"]),
 "gld_low_cd": ("dregs", "03 03 02", "by_product", "Green liquor dregs, low cadmium", "Viherlipeäsakka from the kraft recovery cycle, washed; alkaline, fine.",
   {"CaO": 35, "MgO": 4, "Na2O": 5, "SiO2": 2, "LOI": 38, "neutralising_value_pct": 32, "ph": 10.8, "As": 1, "Cd": 1.0, "Cr": 20, "CrVI": 0.2, "Cu": 60, "Hg": 0.05, "Ni": 30, "Pb": 5, "Zn": 500, "hydraulic_conductivity_m_s": 5e-9}, ["Kemi", "Oulu", "Pietarsaari", "Kajaani"]),
 "gld_high_cd": ("dregs", "03 03 02", None, "Green liquor dregs", "Dregs from a kraft pulp mill, not washed.",
   {"CaO": 35, "MgO": 4, "Na2O": 5, "SiO2": 2, "LOI": 38, "neutralising_value_pct": 32, "ph": 10.8, "Cd": 8.0, "Zn": 500, "Ni": 30}, ["Kemi", "Pietarsaari"]),
 "ggbs": ("slag", "10 02 02", "product", "Ground granulated blast furnace slag (GGBS)", "Granulated and ground blast furnace slag, masuunikuonajauhe, glass content > 90 %.",
   {"CaO": 38, "SiO2": 35, "Al2O3": 10, "MgO": 11, "Fe2O3": 0.6, "SO3": 0.3, "S_sulphide": 1.0, "LOI": 0.5, "Cl": 0.02, "amorphous_pct": 95, "specific_surface_m2_kg": 420}, ["Raahe", "Lulea", "Oulu"]),
 "acbfs": ("slag", "10 02 02", "by_product", "Air-cooled blast furnace slag aggregate", "Crystalline blast furnace slag, crushed, for road base and concrete.",
   {"CaO": 37, "SiO2": 36, "Al2O3": 10, "MgO": 11, "S": 1.3, "SO3": 0.6, "los_angeles": 32, "As": 2, "Ba": 500, "Cd": 0.5, "Cr": 50, "Cu": 10, "Hg": 0.02, "Pb": 5, "Mo": 5, "Ni": 5, "V": 60, "Zn": 30,
    "leach:Sb": 0.01, "leach:As": 0.02, "leach:Ba": 2, "leach:Cd": 0.005, "leach:Cr": 0.05, "leach:Cu": 0.05, "leach:Hg": 0.001, "leach:Pb": 0.02, "leach:Mo": 0.1, "leach:Ni": 0.02,
    "leach:V": 0.3, "leach:Zn": 0.1, "leach:Se": 0.02, "leach:Cl": 20, "leach:SO4": 600, "leach:F": 2, "leach:DOC": 10}, ["Raahe", "Lulea"]),
 "steel_slag": ("slag", "10 02 02", "by_product", "Converter (BOF) steel slag, crushed", "Konvertterikuona, used as liming agent (kalkitusaine) in agriculture.",
   {"CaO": 45, "SiO2": 12, "Fe2O3": 20, "MgO": 3, "MnO": 3, "P2O5": 1.2, "V": 1500, "Cr": 1500, "neutralising_value_pct": 40, "As": 2, "Cd": 0.3, "CrVI": 1, "Cu": 20, "Hg": 0.02, "Ni": 10, "Pb": 5, "Zn": 40}, ["Raahe", "Lulea", "Tornio"]),
 "gypsum": ("gypsum", "06 09 04", "by_product", "Phosphogypsum / FGD gypsum", "Kipsi, calcium sulphate dihydrate, for soil improvement to cut phosphorus runoff from fields.",
   {"CaO": 32, "SO3": 45, "LOI": 20, "P2O5": 0.8, "F": 0.5, "As": 1, "Cd": 0.5, "Cr": 5, "CrVI": 0.1, "Cu": 3, "Hg": 0.05, "Ni": 2, "Pb": 3, "Zn": 10}, ["Siilinjarvi", "Kokkola", "Harjavalta"]),
 "lime_mud": ("lime_residue", "03 03 09", "by_product", "Lime mud and lime kiln dust", "Meesa and kalkkiuunin pöly from the causticising plant; fine calcium carbonate.",
   {"CaO": 50, "MgO": 1, "SiO2": 1, "Na2O": 1, "LOI": 41, "neutralising_value_pct": 48, "passing_0063_pct": 92, "ph": 12, "As": 1, "Cd": 0.3, "Cr": 10, "CrVI": 0.2, "Cu": 10, "Hg": 0.05, "Ni": 10, "Pb": 3, "Zn": 60}, ["Kemi", "Oulu", "Kemijarvi", "Pietarsaari", "Kajaani"]),
 "tailings_sulphidic": ("tailings", "01 03 04*", "waste", "Sulphidic flotation tailings", "Acid-generating tailings from a gold concentrator (arsenopyrite), rikastushiekka.",
   {"SiO2": 55, "Al2O3": 12, "Fe2O3": 10, "S": 3, "S_sulphide": 2.8, "As": 2500, "Ni": 150, "Cu": 200, "Zn": 300, "passing_0063_pct": 80}, ["Kittila", "Sotkamo", "Sodankyla"]),
 "eaf_dust": ("dust", "10 02 07*", "waste", "EAF dust, zinc-bearing", "Electric arc furnace filter dust from stainless steel making; Waelz feed.",
   {"ZnO": 12, "Fe2O3": 45, "Cr2O3": 12, "NiO": 3, "CaO": 8, "Pb": 5000, "Cl": 1.5, "Cd": 200}, ["Tornio", "Lulea"]),
 "fibre_sludge": ("sludge", "03 03 10", "waste", "Fibre and biological sludge", "Kuitu- ja biolietteen seos from wastewater treatment of a pulp mill; dewatered.",
   {"organic_matter_pct": 60, "CaO": 5, "SiO2": 5, "LOI": 60, "moisture_pct": 65, "calorific_value_mj_kg": 9, "As": 1, "Cd": 0.8, "Cr": 20, "CrVI": 0.2, "Cu": 40, "Hg": 0.1, "Ni": 15, "Pb": 5, "Zn": 300}, ["Kemi", "Oulu", "Pietarsaari", "Kajaani"]),
 "bark": ("biomass_residue", None, "by_product", "Bark and wood residue", "Kuori and sawdust from a debarking drum, fuel grade.",
   {"calorific_value_mj_kg": 19, "moisture_pct": 50, "LOI": 97}, ["Kemijarvi", "Kajaani", "Rovaniemi", "Kemi", "Oulu"]),
 "waste_rock": ("waste_rock", "01 01 02", "by_product", "Crushed non-sulphidic waste rock", "Sivukivi, granite gneiss, crushed 0-32 mm, low sulphur.",
   {"SiO2": 70, "Al2O3": 14, "Fe2O3": 3, "CaO": 2, "K2O": 4, "Na2O": 3.5, "S": 0.05, "SO3": 0.1, "los_angeles": 24}, ["Sodankyla", "Kittila", "Sotkamo", "Rovaniemi"]),
 "quarry_fines": ("mineral_fines", "01 04 09", "by_product", "Limestone quarry fines 0-2 mm", "Fine calcitic filler from a limestone quarry; kalkkikivifilleri.",
   {"CaO": 52, "MgO": 2, "SiO2": 3, "LOI": 41, "passing_0063_pct": 75, "neutralising_value_pct": 50, "As": 1, "Cd": 0.2, "Cr": 5, "CrVI": 0.1, "Cu": 5, "Hg": 0.02, "Ni": 5, "Pb": 3, "Zn": 20}, ["Kemi", "Siilinjarvi", "Kokkola", "Tornio"]),
 "msw_bottom_ash": ("ash", "19 01 12", "waste", "Municipal waste incineration bottom ash", "Aged and sieved bottom ash from a waste-to-energy plant, metals removed.",
   {"SiO2": 45, "CaO": 18, "Al2O3": 9, "Fe2O3": 9, "Cl": 0.5, "LOI": 3, "Cu": 3000, "Zn": 3000, "Pb": 1000, "Cr": 500, "leach:Cl": 3000, "leach:SO4": 4000, "leach:Cu": 3, "leach:Sb": 0.3, "leach:Mo": 0.8}, ["Oulu", "Kokkola"]),
}

S = {  # suitability grade and justification per (archetype, application)
 ("fecr_slag", "concrete_aggregate"): (3, "published case: Tornio ferrochrome slag sold as OKTO aggregate for concrete and roads; LA ~20"),
 ("fecr_slag", "earth_construction"): (2, "published case: FeCr slag used in road structures in Finland"),
 ("fecr_slag", "fertiliser"): (0, "Cr 40000 mg/kg exceeds the fertiliser limit Cr 300 mg/kg (MMM 24/11)"),
 ("fecr_slag", "liming_agent"): (0, "Cr 40000 mg/kg exceeds Cr 300/400 mg/kg (MMM 24/11, MMM 964/2023 class 2); no neutralising value"),
 ("coal_fly_ash", "geopolymer_binder"): (3, "published: class F fly ash is the standard geopolymer precursor (Duxson et al. 2007)"),
 ("coal_fly_ash", "cement_scm"): (3, "EN 450-1: SiO2+Al2O3+Fe2O3 81 % >= 70, LOI 3.5 % category A/B"),
 ("coal_fly_ash", "earth_construction"): (3, "Government Decree 843/2017 Annex 1 covers coal and peat fly ash; leaching within covered-structure limits"),
 ("coal_fly_ash", "cover_layer"): (2, "published: fly ash used in covers of mine waste and landfills in Finland"),
 ("coal_fly_ash", "dust_binder"): (1, "fine ash binds some dust but is itself dusty when dry"),
 ("coal_fly_ash", "filler"): (2, "fly ash used as filler in concrete and asphalt"),
 ("coal_fly_ash", "fertiliser"): (0, "coal ash is not an allowed fertiliser raw material; little nutrient value"),
 ("wood_ash", "liming_agent"): (3, "published practice: wood ash used as liming agent and forest fertiliser in Finland (ash fertiliser type group)"),
 ("wood_ash", "fertiliser"): (2, "wood ash fertiliser (K, P, Ca); Cd 2.0 mg/kg exceeds the general 1.5 mg/kg, allowed 2.5 only for agricultural ash fertilisers"),
 ("wood_ash", "soil_improver"): (2, "bio-ash raises pH and supplies Ca, K"),
 ("wood_ash", "neutralisation"): (2, "alkaline ash (NV 25 %) neutralises acidic water"),
 ("wood_ash", "geopolymer_binder"): (1, "calcium-rich bio-ash is a weak precursor"),
 ("gld_low_cd", "liming_agent"): (3, "published: green liquor dregs as liming agent (NV ~30 %), Cd within limits"),
 ("gld_low_cd", "neutralisation"): (3, "published: dregs neutralise acid rock drainage (Makitalo et al. 2014)"),
 ("gld_low_cd", "cover_layer"): (3, "published: green liquor dregs in dry covers of sulphidic tailings (Makitalo et al. 2014)"),
 ("gld_low_cd", "soil_improver"): (2, "alkaline Ca-rich dregs improve acid soils"),
 ("gld_low_cd", "dust_binder"): (1, "moist fine dregs bind dust for a short time"),
 ("gld_high_cd", "liming_agent"): (0, "Cd 8 mg/kg exceeds Cd 1.5 mg/kg (MMM 24/11) and 2 mg/kg (Regulation 2019/1009 PFC 2)"),
 ("gld_high_cd", "soil_improver"): (0, "Cd 8 mg/kg exceeds Cd 1.5 mg/kg (Regulation 2019/1009 PFC 3(B), MMM 24/11)"),
 ("gld_high_cd", "fertiliser"): (0, "Cd 8 mg/kg exceeds Cd 1.5 mg/kg (MMM 24/11)"),
 ("gld_high_cd", "neutralisation"): (2, "alkaline dregs neutralise mine water; Cd matters less in a mine-site permit"),
 ("gld_high_cd", "cover_layer"): (2, "published: dregs in covers of sulphidic tailings (Makitalo et al. 2014)"),
 ("ggbs", "cement_scm"): (3, "EN 15167-1: glass 95 % >= 2/3, (CaO+MgO)/SiO2 1.4 > 1, MgO 11 <= 18"),
 ("ggbs", "geopolymer_binder"): (3, "published: GGBS is the standard calcium-rich alkali-activated precursor"),
 ("ggbs", "filler"): (1, "fine glassy powder, too valuable as filler"),
 ("acbfs", "concrete_aggregate"): (2, "published: air-cooled BF slag aggregate; sulphur 1.3 % needs the 2 % ACBFS allowance of EN 12620"),
 ("acbfs", "earth_construction"): (3, "BF slag in road structures, leaching within MARA covered-structure limits"),
 ("acbfs", "neutralisation"): (1, "slow-reacting crystalline slag"),
 ("steel_slag", "liming_agent"): (3, "published practice: converter slag sold as liming agent in Finland (NV ~40 %)"),
 ("steel_slag", "neutralisation"): (3, "steel slag leach beds neutralise acid mine drainage"),
 ("steel_slag", "concrete_aggregate"): (1, "volume instability (free lime) limits use in concrete"),
 ("gypsum", "soil_improver"): (3, "published case: gypsum treatment of fields to cut phosphorus loss (SYKE, Savijarvi)"),
 ("gypsum", "fertiliser"): (1, "supplies S and Ca only"),
 ("gypsum", "cover_layer"): (1, "sulphate release is a drawback in covers"),
 ("lime_mud", "liming_agent"): (3, "published: lime mud (meesa) as liming agent, NV ~45 %"),
 ("lime_mud", "neutralisation"): (3, "calcium carbonate reagent for acid water"),
 ("lime_mud", "dust_binder"): (2, "fine alkaline residue used on roads"),
 ("lime_mud", "filler"): (2, "fine calcium carbonate, 92 % < 0.063 mm"),
 ("lime_mud", "soil_improver"): (2, "calcitic residue improves acid soils"),
 ("tailings_sulphidic", "cover_layer"): (0, "acid-generating tailings are the problem a cover solves, not a cover"),
 ("tailings_sulphidic", "earth_construction"): (0, "hazardous entry 01 03 04*: not within Decree 843/2017"),
 ("tailings_sulphidic", "metal_recovery"): (2, "re-processing of old tailings for gold and sulphides"),
 ("tailings_sulphidic", "concrete_aggregate"): (0, "sulphide 2.8 % and hazardous entry"),
 ("eaf_dust", "metal_recovery"): (3, "published practice: EAF dust is recycled for zinc (Waelz process)"),
 ("eaf_dust", "fertiliser"): (0, "hazardous entry 10 02 07*; Pb 5000, Cd 200 mg/kg"),
 ("eaf_dust", "earth_construction"): (0, "hazardous entry 10 02 07*: not within Decree 843/2017"),
 ("fibre_sludge", "soil_improver"): (3, "published: pulp mill fibre sludge used as soil improver / in landscaping soils"),
 ("fibre_sludge", "fuel"): (2, "co-incinerated in mill boilers despite moisture"),
 ("fibre_sludge", "fertiliser"): (1, "low nutrient content"),
 ("bark", "fuel"): (3, "bark is the main fuel of mill boilers, ~19 MJ/kg dry"),
 ("bark", "soil_improver"): (1, "bark mulch in landscaping"),
 ("waste_rock", "concrete_aggregate"): (3, "crushed granite, LA 24, sulphur 0.05 % within EN 12620"),
 ("waste_rock", "earth_construction"): (2, "rock aggregate for mine and forest roads"),
 ("waste_rock", "cover_layer"): (1, "coarse rock is a protective, not a sealing, layer"),
 ("waste_rock", "filler"): (0, "too coarse"),
 ("quarry_fines", "filler"): (3, "limestone filler, 75 % < 0.063 mm"),
 ("quarry_fines", "liming_agent"): (3, "ground limestone is the reference liming agent"),
 ("quarry_fines", "neutralisation"): (3, "limestone is the reference neutralising reagent"),
 ("quarry_fines", "dust_binder"): (1, "fine dust itself"),
 ("msw_bottom_ash", "earth_construction"): (1, "Cu 3000 and Zn 3000 mg/kg exceed MARA total limits (400/2000); leach:Cl 3000 > 800"),
 ("msw_bottom_ash", "metal_recovery"): (2, "residual metals recovered from bottom ash"),
 ("msw_bottom_ash", "concrete_aggregate"): (0, "chloride and metals; not an EN 12620 aggregate"),
}

NEEDS = [  # id, application, town, title, description, requirements, extra
 ("N-geo-1", "geopolymer_binder", "Kittila", "Aluminosilicate precursor for geopolymer cover of a waste-rock pile", "Geopolymeerisideaine peittorakenteeseen", [{"property": "SiO2+Al2O3", "min": 50}, {"property": "LOI", "max": 7}], {"accepts_waste": True, "max_distance_km": 500}),
 ("N-geo-2", "geopolymer_binder", "Oulu", "Precursor for alkali-activated paste backfill", "Alkali-activated binder for mine backfill, slag or fly ash", [{"property": "amorphous_pct", "min": 60}], {"accepts_waste": True, "max_distance_km": 300}),
 ("N-geo-3", "geopolymer_binder", "Raahe", "Binder powder for geopolymer blocks", "", [], {"accepts_waste": False, "max_distance_km": 400}),
 ("N-scm-1", "cement_scm", "Kemi", "Fly ash or GGBS for ready-mix concrete", "Seosaine betoniin, lentotuhka tai masuunikuonajauhe", [], {"accepts_waste": True, "max_distance_km": 400}),
 ("N-scm-2", "cement_scm", "Oulu", "GGBS for low-carbon concrete", "Ground granulated blast furnace slag", [{"property": "amorphous_pct", "min": 85}], {"accepts_waste": False, "max_distance_km": 400, "categories": ["slag"]}),
 ("N-scm-3", "cement_scm", "Rovaniemi", "Fly ash for precast concrete", "EN 450 fly ash", [], {"accepts_waste": True, "max_distance_km": 350, "categories": ["ash"]}),
 ("N-lim-1", "liming_agent", "Sodankyla", "Liming agent for revegetating a waste-rock pile", "Kalkitusaine", [{"property": "neutralising_value_pct", "min": 20}], {"accepts_waste": False, "max_distance_km": 400}),
 ("N-lim-2", "liming_agent", "Oulu", "Agricultural liming material", "Peltokalkitus, maatalous", [{"property": "neutralising_value_pct", "min": 25}], {"max_distance_km": 250}),
 ("N-lim-3", "liming_agent", "Kemijarvi", "Forest liming after clear-cut", "", [], {"max_distance_km": 300}),
 ("N-lim-4", "liming_agent", "Kokkola", "Liming of acidic sulphate soils", "Happamat sulfaattimaat", [{"property": "neutralising_value_pct", "min": 30}], {"max_distance_km": 400}),
 ("N-fer-1", "fertiliser", "Rovaniemi", "Ash fertiliser for peatland forest", "Tuhkalannoite metsään, kalium ja fosfori", [{"property": "K2O", "min": 2}], {"max_distance_km": 400}),
 ("N-fer-2", "fertiliser", "Oulu", "Sulphur and calcium for oil crops", "", [{"property": "SO3", "min": 20}], {"max_distance_km": 400}),
 ("N-soil-1", "soil_improver", "Oulu", "Gypsum for field phosphorus protection", "Kipsikäsittely pelloille", [{"property": "SO3", "min": 30}], {"max_distance_km": 500}),
 ("N-soil-2", "soil_improver", "Rovaniemi", "Soil improver for landscaping a closed quarry", "Maisemointi, maanparannus", [], {"accepts_waste": True, "max_distance_km": 250}),
 ("N-soil-3", "soil_improver", "Kemi", "Organic soil improver for green areas", "Viherrakentaminen, orgaaninen", [{"property": "organic_matter_pct", "min": 30}], {"accepts_waste": True, "max_distance_km": 200}),
 ("N-cov-1", "cover_layer", "Kittila", "Oxygen barrier cover for sulphidic tailings", "Peittokerros rikastushiekalle, happea kuluttava", [], {"accepts_waste": True, "max_distance_km": 400}),
 ("N-cov-2", "cover_layer", "Sotkamo", "Low-permeability cover for waste-rock area", "", [{"property": "hydraulic_conductivity_m_s", "max": 1e-8}], {"accepts_waste": True, "max_distance_km": 600}),
 ("N-cov-3", "cover_layer", "Sodankyla", "Cover material for closing a tailings facility", "", [], {"accepts_waste": True, "permitted_ewc_codes": ["03 03 02", "10 01 02"], "max_distance_km": 500}),
 ("N-neu-1", "neutralisation", "Kittila", "Neutralising agent for acid mine water", "Happamien kaivosvesien neutralointi", [{"property": "neutralising_value_pct", "min": 25}], {"accepts_waste": True, "max_distance_km": 500}),
 ("N-neu-2", "neutralisation", "Sotkamo", "Alkaline reagent for drainage treatment", "", [], {"accepts_waste": True, "max_distance_km": 500}),
 ("N-neu-3", "neutralisation", "Kemijarvi", "Lime substitute for water treatment", "Kalkki korvaaja", [{"property": "CaO", "min": 40}], {"accepts_waste": True, "max_distance_km": 400}),
 ("N-agg-1", "concrete_aggregate", "Tornio", "Coarse aggregate for concrete", "Betonin kiviaines 8-16 mm", [{"property": "los_angeles", "max": 30}], {"accepts_waste": False, "max_distance_km": 200}),
 ("N-agg-2", "concrete_aggregate", "Kittila", "Aggregate for mine-site concrete", "", [], {"max_distance_km": 300}),
 ("N-agg-3", "concrete_aggregate", "Raahe", "Aggregate for precast elements", "", [{"property": "los_angeles", "max": 35}], {"max_distance_km": 200}),
 ("N-ec-1", "earth_construction", "Oulu", "Road base material for an industrial field", "Kenttärakenne, MARA", [], {"accepts_waste": True, "max_distance_km": 200}),
 ("N-ec-2", "earth_construction", "Raahe", "Embankment fill for a port field", "", [], {"accepts_waste": True, "max_distance_km": 300}),
 ("N-ec-3", "earth_construction", "Kemi", "Structural layer for a storage field", "", [], {"accepts_waste": True, "max_distance_km": 150}),
 ("N-dust-1", "dust_binder", "Kittila", "Dust binder for mine haul roads", "Pölynsidonta kaivostielle", [], {"accepts_waste": True, "max_distance_km": 500}),
 ("N-dust-2", "dust_binder", "Sodankyla", "Dust control for a gravel haul road", "", [], {"max_distance_km": 400}),
 ("N-fil-1", "filler", "Oulu", "Filler for asphalt", "Asfalttifilleri", [{"property": "passing_0063_pct", "min": 70}], {"max_distance_km": 300}),
 ("N-fil-2", "filler", "Kemi", "Mineral filler for concrete products", "", [], {"max_distance_km": 200}),
 ("N-fuel-1", "fuel", "Kemijarvi", "Biomass fuel for a district heating plant", "Biopolttoaine, kaukolämpö", [{"property": "calorific_value_mj_kg", "min": 8}], {"max_distance_km": 150}),
 ("N-fuel-2", "fuel", "Rovaniemi", "Solid biofuel for CHP", "", [], {"accepts_waste": True, "max_distance_km": 200}),
 ("N-met-1", "metal_recovery", "Harjavalta", "Zinc-bearing dusts for recycling", "Sinkkipitoiset pölyt", [], {"accepts_waste": True, "permitted_ewc_codes": ["10 02 07*", "10 02 08"], "max_distance_km": 1200}),
 ("N-met-2", "metal_recovery", "Kittila", "Tailings for re-processing", "", [], {"accepts_waste": True, "permitted_ewc_codes": ["01 03 04*", "01 03 06"], "max_distance_km": 500}),
]

DETOUR = 1.3


def km(a, b):
    (la1, lo1), (la2, lo2) = a, b
    p1, p2 = math.radians(la1), math.radians(la2)
    h = math.sin((p2 - p1) / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(math.radians(lo2 - lo1) / 2) ** 2
    return 2 * 6371.0088 * math.asin(math.sqrt(h))


def build():
    rng = np.random.default_rng(7)
    streams, where = [], {}
    for arch, (cat, ewc, legal, title, desc, values, towns) in A.items():
        for town in towns:
            sid = f"{arch}@{town}"
            lat, lon = TOWNS[town]
            vals = {k: float(f"{v * rng.uniform(0.95, 1.05):.4g}") for k, v in values.items()}
            rec = {"id": sid, "title": title, "description": desc, "category": cat,
                   "location": {"lat": round(lat + rng.uniform(-0.05, 0.05), 4), "lon": round(lon + rng.uniform(-0.05, 0.05), 4), "place": town},
                   "quantity_t_per_year": float(int(rng.choice([3000, 10000, 30000, 100000])))}
            if ewc:
                rec["ewc_code"] = ewc
            if legal:
                rec["legal_status"] = legal
            groups = {"composition": {}, "trace": {}, "leaching": {}, "properties": {}}
            from matching import vocabulary as V
            for k, v in vals.items():
                groups[V.kind_of(k)][k] = v
            if sum(groups["composition"].get(k, 0) for k in V.MAJOR_SUM_KEYS) > 101.5:
                f = 100 / sum(groups["composition"].get(k, 0) for k in V.MAJOR_SUM_KEYS)
                groups["composition"] = {k: float(f"{v * f:.4g}") for k, v in groups["composition"].items()}
            rec.update({g: d for g, d in groups.items() if d})
            streams.append(rec)
            where[sid] = (arch, (rec["location"]["lat"], rec["location"]["lon"]), ewc, legal)
    needs, grades = [], []
    for nid, app, town, title, desc, reqs, extra in NEEDS:
        lat, lon = TOWNS[town]
        rec = {"id": nid, "title": title, "description": desc, "application": app,
               "location": {"lat": lat, "lon": lon, "place": town}, "requirements": reqs, **extra}
        needs.append(rec)
        for sid, (arch, loc, ewc, legal) in where.items():
            g, why = S.get((arch, app), (0, "no published use of this material for this application"))
            infeasible = False
            road = km((lat, lon), loc) * DETOUR
            if g > 0 and road > extra.get("max_distance_km", 1e9):
                g, why, infeasible = 0, f"about {road:.0f} km by road, beyond the buyer's {extra['max_distance_km']} km", True
            elif g > 0 and legal == "waste" and extra.get("accepts_waste") is False:
                g, why, infeasible = 0, "legally waste; receiver does not accept waste (Waste Act 646/2011 s. 29)", True
            elif g > 0 and legal == "waste" and "permitted_ewc_codes" in extra and ewc not in extra["permitted_ewc_codes"]:
                g, why, infeasible = 0, "waste code not in the receiver's permit (Waste Act 646/2011 s. 29)", True
            elif g > 0 and "categories" in extra and A[arch][0] not in extra["categories"]:
                g, why, infeasible = 0, "category not accepted by the buyer", True
            elif g == 0 and ("exceeds" in why or "hazardous" in why):
                infeasible = True
            if g > 0 or infeasible:
                grades.append({"need_id": nid, "stream_id": sid, "grade": g, "infeasible": infeasible, "justification": why})
    return {"about": __doc__.strip().splitlines()[0], "batch": {"side_streams": streams, "needs": needs}, "grades": grades}


if __name__ == "__main__":
    doc = build()
    out = Path(__file__).with_name("labelled.json")
    out.write_text(json.dumps(doc, indent=1, ensure_ascii=False), encoding="utf-8")
    print(len(doc["batch"]["side_streams"]), "streams", len(doc["batch"]["needs"]), "needs", len(doc["grades"]), "grades")
