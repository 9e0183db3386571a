"""Builds matching/eval/practice.json: the second labelled set, written from practice.

Streams are written the way sellers write them (Finnish, Swedish or English
titles, the analyses they happen to have, codes with or without spaces);
needs the way buyers write them. Each stream's true material type is kept in
the labels, not in the record, so the engine has to recognise it.

Grades 0..3 come from published cases and the sources of the material
catalogue's use matrix (matching/knowledge/materials.json ``sources``), by
what the material is and what the buyer wants to do with it, with
stream-specific overrides where a stated analysis or fact settles it (a wood
ash with 8 mg/kg Cd for field use, a coarse slag for a dosing plant). They
use no score, vocabulary rule, detour factor or limit table of the engine.
The buyer's own stated maximum haul distance (``max_distance_km``) is the
buyer's text, not the engine's: a stream that is farther than that even as
the crow flies (great-circle distance, this module's own haversine) is
excluded by the buyer whatever the roads, so its pair is graded 0 and marked
infeasible. Pairs within the limit as the crow flies keep their grade: the
road distance is the engine's estimate, not the grader's.

3 = proven in this use (published case or standard), 2 = works with a
condition that the record meets or does not contradict, 1 = possible after
treatment or as a minor component, 0 = unsuitable or not a sensible offer.

Run: python -m matching.eval.build_practice
"""
from __future__ import annotations

import json
import math
from pathlib import Path

PLACES = {"Tornio": (65.85, 24.15), "Kemi": (65.74, 24.56), "Oulu": (65.01, 25.47), "Raahe": (64.68, 24.48),
          "Kokkola": (63.84, 23.13), "Harjavalta": (61.31, 22.14), "Kittila": (67.66, 24.91),
          "Sodankyla": (67.42, 26.59), "Kemijarvi": (66.71, 27.43), "Rovaniemi": (66.50, 25.73),
          "Pietarsaari": (63.68, 22.70), "Lulea": (65.58, 22.15), "Siilinjarvi": (63.08, 27.66),
          "Sotkamo": (64.13, 28.39), "Kajaani": (64.22, 27.73), "Pori": (61.48, 21.80), "Nilsia": (63.20, 28.08),
          "Imatra": (61.19, 28.77), "Lappeenranta": (61.06, 28.19), "Liminka": (64.81, 25.41), "Kolari": (67.33, 23.78)}

# id: (true type, place, category, ewc, legal status, title, description, {group: {key: value}}, t/a)
STREAMS = {
 "P01": ("ggbs", "Raahe", "slag", "10 02 02", "product", "Masuunihiekka, granuloitu", "Granuloitua masuunikuonaa, jauhatus tilauksesta. Lasipitoisuus n. 95 %.",
         {"composition": {"CaO": 38, "SiO2": 35, "Al2O3": 10, "MgO": 11}, "properties": {"amorphous_pct": 95}}, 300000),
 "P02": ("ggbs", "Lulea", "slag", "100202", "by_product", "Granulerad masugnsslagg", "Från masugnen i Luleå, torr.", {}, 150000),
 "P03": ("acbfs", "Raahe", "slag", "10 02 02", "by_product", "Masuunikuonamurske 0/32", "Ilmajäähdytetty masuunikuona murskattuna tierakenteisiin.",
         {"composition": {"CaO": 37, "SiO2": 36, "Al2O3": 10, "MgO": 11, "S": 1.3}, "properties": {"los_angeles": 30, "amorphous_pct": 4}}, 250000),
 "P04": ("acbfs", "Lulea", "slag", None, "by_product", "Hyttsten, krossad 0-63", "Luftkyld masugnsslagg.", {}, 100000),
 "P05": ("bof_slag", "Raahe", "slag", "10 02 02", "by_product", "Konvertterikuona 0-16 mm", "Teräsuonaa, vanhennettu kasalla 6 kk.",
         {"composition": {"CaO": 45, "SiO2": 12, "Fe2O3": 22, "MnO": 3, "CaO_free": 3}, "trace": {"V": 1500, "Cr": 1400}, "properties": {"max_particle_mm": 16, "neutralising_value_pct": 42}}, 200000),
 "P06": ("eaf_slag_stainless", "Tornio", "slag", "10 02 02", "waste", "RST-kuona, valokaariuuni", "Ruostumattoman teräksen sulaton kuona, metallit erotettu.",
         {"composition": {"CaO": 42, "SiO2": 30, "MgO": 8, "Cr2O3": 4}, "trace": {"Cr": 28000}, "properties": {"max_particle_mm": 32}}, 120000),
 "P07": ("fecr_slag_lumpy", "Tornio", "slag", "10 02 02", "product", "OKTO-murske 0/16", "CE-merkitty ferrokromikuonamurske päällysteisiin ja kantaviin kerroksiin.",
         {"composition": {"SiO2": 30, "Al2O3": 25, "MgO": 23, "Cr2O3": 7}, "trace": {"Cr": 40000}, "leaching": {"leach:Cr": 0.03}, "properties": {"los_angeles": 19, "max_particle_mm": 16}}, 400000),
 "P08": ("fecr_slag_granulated", "Tornio", "slag", "10 02 02", "product", "OKTO-eriste 0/8", "Granuloitu ferrokromikuona, kevyt routaeriste.",
         {"properties": {"bulk_density_t_m3": 1.7, "max_particle_mm": 8}}, 200000),
 "P09": ("aod_slag", "Tornio", "slag", "10 02 02", "waste", "AOD-kuona (hajoava)", "Jäähtyessään jauhautuva AOD-konvertterin kuona, fluoria.",
         {"composition": {"CaO": 55, "SiO2": 30, "MgO": 6, "F": 3}, "properties": {"passing_0063_pct": 60}}, 80000),
 "P10": ("fayalite_slag", "Harjavalta", "slag", "10 06 01", "by_product", "Rautasilikaattihiekka", "Granuloitu kuparisulaton fajaliittikuona.",
         {"composition": {"Fe2O3": 52, "SiO2": 32, "ZnO": 2}, "properties": {"amorphous_pct": 85}}, 250000),
 "P11": ("coal_fly_ash", "Oulu", "ash", "10 01 02", "waste", "Kivihiilen lentotuhka, kuiva", "Pölypolttokattilan sähkösuodattimelta. EN 450-1 testattu.",
         {"composition": {"SiO2": 52, "Al2O3": 25, "Fe2O3": 7, "CaO": 5, "LOI": 3.5, "SO3": 0.8}, "properties": {"amorphous_pct": 72},
          "leaching": {"leach:Mo": 0.3, "leach:Se": 0.05, "leach:SO4": 800, "leach:Cl": 100, "leach:F": 3}}, 60000),
 "P12": ("coal_fly_ash", "Pietarsaari", "ash", None, None, "Lentotuhka (hiili)", "Fly ash from coal, some peat co-fired.", {}, 30000),
 "P13": ("fbc_wood_ash", "Kemi", "ash", "10 01 03", "by_product", "Puun lentotuhka, leijupeti", "Kuoren ja hakkeen poltosta. Rakeistettu metsälannoitteeksi.",
         {"composition": {"CaO": 28, "K2O": 4.5, "P2O5": 2}, "trace": {"Cd": 8.5, "As": 8, "Zn": 1800}, "properties": {"neutralising_value_pct": 25}}, 20000),
 "P14": ("fbc_wood_ash", "Kajaani", "ash", "10 01 03", "by_product", "Biotuhka", "Puhdasta puuta polttavan voimalan tuhka, vähän kadmiumia.",
         {"composition": {"CaO": 30, "K2O": 5, "P2O5": 2.5}, "trace": {"Cd": 1.2, "As": 5, "Cr": 40, "Pb": 10, "Ni": 20, "Zn": 600, "Cu": 60, "Hg": 0.1},
          "properties": {"neutralising_value_pct": 27}}, 8000),
 "P15": ("fbc_peat_ash", "Kokkola", "ash", "10 01 03", "waste", "Turvetuhka", "Leijupetikattilan turvetuhka, liukoisuudet MARA-rajoissa.",
         {"composition": {"SiO2": 45, "Al2O3": 15, "Fe2O3": 14, "CaO": 10}, "leaching": {"leach:Mo": 0.2, "leach:Se": 0.1, "leach:SO4": 900, "leach:Cl": 50, "leach:V": 0.5, "leach:Cr": 0.2}}, 25000),
 "P16": ("fbc_mixed_ash", "Oulu", "ash", "10 01 17", "waste", "Seospolton lentotuhka", "Puu, turve ja kierrätyspolttoaine (SRF). Kloridia.",
         {"composition": {"CaO": 25, "SiO2": 30, "Cl": 2.5}, "leaching": {"leach:Cl": 9000}}, 40000),
 "P17": ("grate_wood_ash", "Rovaniemi", "ash", "10 01 01", None, "Arinatuhka hakelämpölaitokselta", "Pohjatuhka, palamatonta hiiltä.", {"trace": {"Cd": 1.0}}, 2000),
 "P18": ("mswi_bottom_ash", "Oulu", "ash", "19 01 12", "waste", "Jätteenpolton pohjakuona", "Metallit erotettu, ikäännytetty 3 kk.",
         {"leaching": {"leach:Cl": 3000, "leach:Cu": 2, "leach:Sb": 0.3, "leach:SO4": 4000}}, 50000),
 "P19": ("apc_residue", "Oulu", "dust", "19 01 07*", "waste", "Savukaasunpuhdistusjäte", "Jätevoimalan APC-jäte, kalkkipohjainen.",
         {"composition": {"CaO": 35, "Cl": 18}, "trace": {"Pb": 3000, "Zn": 9000, "Cd": 150}}, 12000),
 "P20": ("steel_dust", "Tornio", "dust", "10 02 07*", "waste", "Valokaariuunipöly", "Sinkki- ja kromipitoinen suodatinpöly.", {"composition": {"ZnO": 15, "Fe2O3": 40, "Cr2O3": 10}}, 30000),
 "P21": ("green_liquor_dregs", "Kemi", "dregs", "03 03 02", "by_product", "Viherlipeäsakka", "Pesty sakka sellutehtaalta, k-arvo 5e-9 m/s.",
         {"composition": {"CaO": 35, "MgO": 5, "Na2O": 4}, "trace": {"Cd": 1.0, "As": 1, "Cr": 20, "Pb": 5, "Ni": 30, "Zn": 500, "Cu": 60, "Hg": 0.05},
          "properties": {"hydraulic_conductivity_m_s": 5e-9, "neutralising_value_pct": 32, "ph": 11}}, 15000),
 "P22": ("green_liquor_dregs", "Oulu", "dregs", "03 03 02", None, "Viherlipeäsakka, pesemätön", "Sakka suoraan selkeyttimeltä.", {"trace": {"Cd": 9.0}}, 10000),
 "P23": ("lime_mud", "Kemi", "lime_residue", "03 03 09", "by_product", "Meesa", "Kaustisoinnin kalkkiliete, kosteus 35 %.",
         {"composition": {"CaO": 51}, "properties": {"neutralising_value_pct": 48, "passing_0063_pct": 95}}, 12000),
 "P24": ("lime_kiln_dust", "Oulu", "lime_residue", "03 03 09", "by_product", "Meesauunin pöly", "Sähkösuodatinpöly, osin poltettua kalkkia.",
         {"properties": {"neutralising_value_pct": 50, "passing_0063_pct": 98}, "composition": {"CaO_free": 15, "CaO": 52}}, 3000),
 "P25": ("burnt_lime_fines", "Kemi", "lime_residue", "10 13 04", "by_product", "Poltetun kalkin hienoaines", "Laatupoikkeama, CaO yli 80 %.",
         {"composition": {"CaO": 85, "CaO_free": 75}, "properties": {"neutralising_value_pct": 85, "passing_0063_pct": 90}}, 5000),
 "P26": ("fibre_clay", "Kemi", "sludge", "03 03 10", "waste", "Kuitusavi", "Paperitehtaan primääriliete, kuivattu.",
         {"properties": {"moisture_pct": 60, "hydraulic_conductivity_m_s": 5e-9, "organic_matter_pct": 45}}, 30000),
 "P27": ("biosludge", "Kemi", "sludge", "03 03 11", "waste", "Bioliete", "Aktiivilieteprosessin ylijäämäliete, kuivattu.", {"properties": {"moisture_pct": 75}}, 20000),
 "P28": ("tailings_sulphidic", "Kittila", "tailings", "01 03 04*", "waste", "Rikastushiekka (sulfidinen)", "Kultarikastamon flotaatiohiekka, arseenikiisua.",
         {"composition": {"SiO2": 55, "S": 4, "S_sulphide": 3.8}, "trace": {"As": 2500}, "properties": {"neutralising_value_pct": 1}}, 1500000),
 "P29": ("tailings_sulphidic", "Sodankyla", "tailings", None, "waste", "Flotation tailings, Ni-Cu", "Fine tailings from a nickel-copper concentrator.", {"composition": {"S": 1.5}}, 8000000),
 "P30": ("tailings_low_sulphide", "Kemi", "tailings", "01 03 06", "waste", "Kromiittirikastamon hiekka", "Vähäsulfidinen rikastushiekka, ei happoa muodostava.",
         {"composition": {"SiO2": 45, "MgO": 25, "S": 0.05, "S_sulphide": 0.03}, "properties": {"passing_0063_pct": 60}}, 500000),
 "P31": ("tailings_carbonate", "Siilinjarvi", "tailings", "01 04 12", "by_product", "Karbonaattihiekka apatiittirikastamolta", "Kalsiittia ja dolomiittia, neutraloiva.",
         {"composition": {"CaO": 35, "MgO": 10, "LOI": 30}, "properties": {"neutralising_value_pct": 38, "passing_0063_pct": 70}}, 1000000),
 "P32": ("waste_rock_paf", "Sotkamo", "waste_rock", "01 01 01", "waste", "Mustaliuske, sivukivi", "Kiisupitoinen mustaliuskesivukivi.", {"composition": {"S": 5, "S_sulphide": 5}}, 5000000),
 "P33": ("waste_rock_naf", "Kittila", "waste_rock", "01 01 01", "by_product", "Sivukivimurske 0/32", "Happoa muodostamaton kivi, kaivostien rakentamiseen.",
         {"composition": {"SiO2": 65, "S": 0.05, "S_sulphide": 0.04}, "properties": {"los_angeles": 24, "neutralising_value_pct": 2}}, 300000),
 "P34": ("phosphogypsum", "Siilinjarvi", "gypsum", "06 09 04", "by_product", "Fosfokipsi", "Peltokipsi fosforihuuhtouman vähentämiseen.", {"composition": {"CaO": 32, "SO3": 45, "P2O5": 0.8}, "trace": {"Cd": 0.5}}, 1000000),
 "P35": ("fgd_gypsum", "Pori", "gypsum", "10 01 05", "by_product", "Rikinpoistokipsi", "Hiilivoimalan savukaasujen rikinpoiston kipsi.", {"composition": {"CaO": 32, "SO3": 45, "Cl": 0.05}}, 50000),
 "P36": ("neutralisation_gypsum", "Kokkola", "gypsum", "11 01 10", "waste", "Neutralointisakka", "Sinkkitehtaan kipsisakka, metallipitoinen.", {"trace": {"Zn": 8000, "Cd": 20}}, 200000),
 "P37": ("quartz_fines", "Nilsia", "mineral_fines", "01 04 09", "by_product", "Kvartsihiekka 0,1-0,6", "Puhdas kvartsi, SiO2 99 %.", {"composition": {"SiO2": 99}}, 50000),
 "P38": ("feldspar_fines", "Rovaniemi", "mineral_fines", "01 04 10", "by_product", "Kivijauhe murskaamolta", "Graniittinen kivipöly 0/0,063.", {"properties": {"passing_0063_pct": 85}}, 20000),
 "P39": ("limestone_fines", "Tornio", "mineral_fines", "01 04 10", "by_product", "Kalkkikivifilleri", "Kalkkikivijauhe, neutralointikyky 50 %.",
         {"composition": {"CaO": 52}, "properties": {"neutralising_value_pct": 50, "passing_0063_pct": 80},
          "trace": {"Cd": 0.2, "As": 1, "Pb": 3, "Ni": 5, "Cr": 5, "Cu": 5, "Zn": 20, "Hg": 0.02}}, 30000),
 "P40": ("dolomite_fines", "Kemi", "mineral_fines", None, "by_product", "Dolomiittijauhe", "Dolomiittikalkki, Mg 11 %.", {"composition": {"CaO": 31, "MgO": 19}}, 15000),
 "P41": ("crushed_concrete", "Oulu", "other", "17 01 01", "waste", "Betonimurske 0/45", "Purkubetoni, raudat poistettu.", {"leaching": {"leach:SO4": 900, "leach:Cr": 0.2}}, 40000),
 "P42": ("foundry_sand", "Pori", "other", "10 09 08", "waste", "Valimohiekka", "Bentoniittisidottu kaavaushiekka.", {}, 10000),
 "P43": ("mill_scale", "Raahe", "metal_scrap", "10 02 10", "by_product", "Valssihilse", "Valssaamon hilse, öljyä alle 1 %.", {"composition": {"Fe2O3": 92}}, 40000),
 "P44": ("bark_wood_residue", "Kemijarvi", "biomass_residue", "03 01 01", "by_product", "Kuori ja puru", "Sahan kuori, kosteus 55 %.", {"properties": {"moisture_pct": 55, "calorific_value_mj_kg": 19}}, 60000),
 "P45": ("biochar", "Kajaani", "biomass_residue", None, "product", "Biohiili", "Pyrolyysihiili puusta.", {"composition": {"C": 80}}, 2000),
 "P46": ("eaf_slag_carbon", "Imatra", "slag", "10 02 02", "by_product", "Valokaariuunikuona 0/32", "Hiiliteräksen mustakuona.", {"trace": {"Cr": 9000}}, 100000),
 "P47": ("ladle_slag", "Raahe", "slag", "10 02 02", "waste", "Senkkakuona", "Valkoinen senkkauunikuona, pölyävä.", {"composition": {"CaO": 52, "Al2O3": 25}}, 60000),
 "P48": ("coal_bottom_ash", "Oulu", "ash", "10 01 01", "waste", "Pohjatuhka", "Kivihiilen pohjatuhka kattilasta.", {}, 15000),
}

# id: (application, place, max km, t/a, title, description, requirements, extra fields)
NEEDS = {
 "Q01": ("cover_layer", "Kittila", 300, 200000, "Tiivistekerros rikastushiekka-altaan peitteeseen", "Sulfidisen rikastushiekan kuivapeite: tiivistys- ja happea kuluttava kerros.", [], {}),
 "Q02": ("cover_layer", "Sotkamo", 400, 300000, "Sealing layer for a black-schist waste-rock pile", "Cover to stop acid drainage.", [], {}),
 "Q03": ("geopolymer_binder", "Kittila", 600, 20000, "Geopolymeerisideaineen raaka-aine", "Alkaliaktivoitu sideaine pastatäyttöön ja peitteeseen.", [], {}),
 "Q04": ("cement_scm", "Oulu", 400, 30000, "Betonin seosaine valmisbetoniasemalle", "Sementin korvaaja, EN 206.", [], {}),
 "Q05": ("liming_agent", "Liminka", 200, 5000, "Peltojen kalkitusaine", "Viljelysmaiden kalkitus, Liminka.", [], {"context": {"land_use": "agriculture"}}),
 "Q06": ("fertiliser", "Rovaniemi", 300, 3000, "Metsätuhkalannoite ojitetuille turvemaille", "Tuhkalannoitus metsään, kasvatusmetsät.", [], {"context": {"land_use": "forestry"}}),
 "Q07": ("fertiliser", "Liminka", 250, 2000, "Kaliumlannoite pelloille", "K ja P peltoviljelyyn, luomu ei.", [], {"context": {"land_use": "agriculture"}}),
 "Q08": ("earth_construction", "Rovaniemi", 250, 50000, "Kaivostien rakennekerros, peitetty rakenne", "Kantava kerros, peitetty väylä.", [], {"context": {"structure": "covered", "structure_use": "road"}}),
 "Q09": ("earth_construction", "Oulu", 150, 30000, "Katualueen päällystetty rakenne", "Kantava ja jakava kerros asfaltin alle.", [], {"context": {"structure": "paved", "structure_use": "road"}}),
 "Q10": ("concrete_aggregate", "Oulu", 300, 50000, "Betonin kiviaines", "Karkea kiviaines valmisbetoniin.", [], {}),
 "Q11": ("neutralisation", "Sotkamo", 400, 20000, "Kaivosveden neutralointi, kalkkimaitoannostelu", "Annosteltava reagenssi vedenkäsittelylaitokselle, raekoko alle 0,1 mm.", [], {}),
 "Q12": ("neutralisation", "Kittila", 500, 10000, "Neutraloiva aine happamille valumavesille", "Annostelu pumpulla lietteenä.", [], {}),
 "Q13": ("mass_stabilisation", "Oulu", 300, 40000, "Massastabiloinnin sideaine", "Pehmeän saven ja turpeen stabilointi satama-alueella.", [], {}),
 "Q14": ("mine_backfill", "Kittila", 500, 100000, "Pastatäytön sideaine", "Sementin korvaaja sementoituun pastatäyttöön.", [], {}),
 "Q15": ("phosphorus_filter", "Oulu", 300, 500, "Fosforinpoiston suodatinmateriaali", "Haja-asutuksen jätevesien suodatinkenttä.", [], {}),
 "Q16": ("cement_raw_material", "Lappeenranta", 900, 50000, "Sementtiuunin raaka-aine", "Raakajauhon korjausaineet (Fe, Al, Si) ja kalkki.", [], {}),
 "Q17": ("co2_mineralisation", "Raahe", 300, 50000, "Hiilidioksidin mineralisointi", "Ca-rikas jäte karbonointiin.", [], {}),
 "Q18": ("filler", "Oulu", 300, 5000, "Asfalttifilleri", "Kivijauhe asfalttiasemalle.", [], {}),
 "Q19": ("liming_agent", "Tornio", 150, 8000, "Kalkitusaine Tornionlaakson pelloille", "Maatalouskalkki.", [], {"context": {"land_use": "agriculture"}}),
 "Q20": ("earth_construction", "Kemi", 150, 20000, "Routaeriste katurakenteeseen", "Kevyt eristävä hiekka, päällystetty katu.", [], {"context": {"structure": "paved", "structure_use": "road"}}),
 "Q21": ("fuel", "Kemi", 200, 50000, "Biopolttoaine voimalaitokselle", "Kuori, puru ja hake.", [], {}),
 "Q22": ("soil_improver", "Oulu", 200, 3000, "Maanparannusaine viherrakentamiseen", "Orgaaninen maanparannusaine puistoihin.", [], {}),
 "Q23": ("cover_layer", "Kemi", 200, 100000, "Peitemateriaali kaatopaikan sulkemiseen", "Tiivistekerros, k enintään 1e-8 m/s.", [], {}),
}

# Grades by need and material type: (grade, justification with its source key
# in materials.json sources or a named published case). Unlisted types: 0.
G = {
 "Q01": {"green_liquor_dregs": (3, "makitalo_gld: GLD sealing layers over sulphidic tailings (LTU field trials)"),
         "fibre_clay": (3, "biosludge: compacted fibre clay sealing layers in Finnish landfill and mine covers"),
         "coal_fly_ash": (2, "gtk_closure: ash with till or binder in covers; GLD/ash sealing layers (Jia et al.)"),
         "fbc_peat_ash": (1, "gtk_closure: ash in covers needs compaction or binder"),
         "fbc_wood_ash": (1, "gtk_closure: alkaline ash tested in covers with dregs"),
         "lime_mud": (1, "gtk_closure: alkaline amendment of cover soil"),
         "tailings_low_sulphide": (1, "gtk_closure: fine non-acid-forming tailings as moisture-retaining layer"),
         "tailings_carbonate": (1, "gtk_closure: alkaline layer over sulphidic waste"),
         "limestone_fines": (1, "gtk_closure: alkaline amendment")},
 "Q02": {"green_liquor_dregs": (3, "makitalo_gld: GLD-amended till sealing layer on acid-generating waste rock (Boliden, paperChain CC5)"),
         "fibre_clay": (3, "biosludge: fibre clay sealing layers"),
         "coal_fly_ash": (2, "gtk_closure: ash in covers"), "fbc_peat_ash": (1, "gtk_closure"), "fbc_wood_ash": (1, "gtk_closure"),
         "tailings_carbonate": (1, "gtk_closure: alkaline layer"), "lime_mud": (1, "gtk_closure"), "limestone_fines": (1, "gtk_closure")},
 "Q03": {"ggbs": (3, "duxson; oulu_aam: GGBS is the standard calcium-rich precursor"),
         "coal_fly_ash": (3, "duxson: class F fly ash is the classic geopolymer precursor"),
         "fayalite_slag": (2, "oulu_aam: glassy fayalitic slag activated after grinding (Oulu, Leuven)"),
         "fbc_peat_ash": (1, "oulu_aam: peat ash reacts where glassy"),
         "ladle_slag": (1, "oulu_fecr: ladle slag studied as activated binder"), "aod_slag": (1, "oulu_fecr"),
         "fecr_slag_granulated": (1, "oulu_aam: partly glassy, after fine grinding"),
         "crushed_brick": (1, "oulu_aam: ground brick as precursor")},
 "Q04": {"ggbs": (3, "en15167: EN 15167-1 ground granulated blast-furnace slag"),
         "coal_fly_ash": (3, "en450: EN 450-1 fly ash from pulverised coal"),
         "limestone_fines": (1, "en197: limestone L/LL is a cement constituent, a filler in concrete")},
 "Q05": {"limestone_fines": (3, "mmm964: ground limestone, class 2 liming material"),
         "dolomite_fines": (3, "mmm964: dolomitic lime, class 2"),
         "lime_mud": (3, "lime_wastes: lime mud as liming material"),
         "lime_kiln_dust": (2, "lime_wastes"), "slaker_grits": (2, "lime_wastes"),
         "burnt_lime_fines": (2, "burnt_lime: burnt lime is a liming material"),
         "fbc_wood_ash": (2, "huotari_ash: wood ash limes; field use needs low Cd"),
         "green_liquor_dregs": (2, "bref_pp: dregs as liming material within Cd limits"),
         "tailings_carbonate": (1, "mineral_fines: carbonate tailings where NV suffices"),
         "bof_slag": (1, "mmm964: converter slag liming, V and Cr near class limits")},
 "Q06": {"fbc_wood_ash": (3, "huotari_ash; mmm964: wood ash is the forest ash fertiliser (class 1C3) of drained peatlands"),
         "grate_wood_ash": (3, "huotari_ash; mmm964: forest ash fertiliser"),
         "fbc_peat_ash": (1, "mmm964: peat ash mixed into forest ash fertiliser; low K"),
         "green_liquor_dregs": (1, "mmm964: liming ingredient of ash fertilisers")},
 "Q07": {"fbc_wood_ash": (2, "mmm964: field use of wood ash only with Cd within the field class"),
         "grate_wood_ash": (2, "mmm964: field use only with Cd within the field class"),
         "phosphogypsum": (1, "mmm964: S and Ca fertiliser, no K")},
 "Q08": {"waste_rock_naf": (3, "gard: crushed non-acid-forming rock in mine roads"),
         "fecr_slag_lumpy": (3, "okto: CE-marked OKTO aggregate in Lapland roads"),
         "acbfs": (3, "ggbs_practice: air-cooled BF slag road base"),
         "coal_fly_ash": (2, "mara: fly ash in covered road structures (Annex 1)"),
         "fbc_peat_ash": (2, "mara: peat fly ash in covered road structures"),
         "fbc_wood_ash": (2, "mara: wood fly ash in covered road structures (ash-gravel forest roads)"),
         "crushed_concrete": (3, "mara; concrete_rc: crushed concrete road base"),
         "coal_bottom_ash": (2, "mara: bottom ash fill"), "fecr_slag_granulated": (2, "okto: insulation sand"),
         "bof_slag": (1, "euroslag: after weathering, as a product or under permit"),
         "eaf_slag_carbon": (1, "euroslag"), "fbc_bed_sand": (2, "mara"),
         "mswi_bottom_ash": (1, "mswi_ba: mostly paved structures"), "foundry_sand": (2, "mara")},
 "Q09": {"fecr_slag_lumpy": (3, "okto: paving and base aggregate in Oulu"),
         "crushed_concrete": (3, "mara; concrete_rc: crushed concrete base under asphalt"),
         "acbfs": (3, "ggbs_practice: BF slag base"),
         "mswi_bottom_ash": (2, "mara; mswi_ba: treated bottom ash in paved structures"),
         "coal_fly_ash": (2, "mara: fly ash in paved structures"),
         "fbc_peat_ash": (2, "mara"), "coal_bottom_ash": (2, "mara"), "fecr_slag_granulated": (2, "okto"),
         "waste_rock_naf": (2, "gard: as aggregate product")},
 "Q10": {"fecr_slag_lumpy": (3, "okto: OKTO aggregates in concrete"),
         "acbfs": (3, "ggbs_practice; en12620: air-cooled slag concrete aggregate"),
         "eaf_slag_carbon": (2, "en12620: EAF slag aggregate when volume stable"),
         "waste_rock_naf": (2, "en12620: crushed rock where S is low"),
         "crushed_concrete": (1, "concrete_rc: partial replacement"),
         "fayalite_slag": (1, "fayalite: fine heavy aggregate")},
 "Q11": {"burnt_lime_fines": (3, "burnt_lime: standard reagent of mine-water neutralisation"),
         "lime_kiln_dust": (3, "burnt_lime: fine, partly burnt lime"),
         "lime_mud": (3, "lime_wastes: fine carbonate slurry"),
         "limestone_fines": (2, "gtk_closure: limestone, fine grades dose"),
         "green_liquor_dregs": (2, "makitalo_gld: alkaline"),
         "ladle_slag": (1, "practice: fine limy slag, variable"),
         "tailings_carbonate": (1, "gtk_closure: slow carbonate"), "dolomite_fines": (1, "gtk_closure: slower than limestone"),
         "fbc_wood_ash": (1, "practice: alkaline ash, metals")},
 "Q12": {"burnt_lime_fines": (3, "burnt_lime"), "lime_kiln_dust": (3, "burnt_lime"), "lime_mud": (3, "lime_wastes"),
         "limestone_fines": (2, "gtk_closure"), "green_liquor_dregs": (2, "makitalo_gld"),
         "tailings_carbonate": (1, "gtk_closure"), "dolomite_fines": (1, "gtk_closure"), "ladle_slag": (1, "practice")},
 "Q13": {"ggbs": (3, "eurosoilstab: cement-slag binders in mass stabilisation"),
         "coal_fly_ash": (3, "vtt_stab: fly ash binders in Finnish mass stabilisation"),
         "burnt_lime_fines": (3, "eurosoilstab: lime and lime-cement"),
         "fbc_mixed_ash": (2, "vtt_stab: self-hardening mixed ashes"), "fbc_peat_ash": (2, "vtt_stab"),
         "fbc_wood_ash": (1, "vtt_stab: variable"), "ladle_slag": (1, "vtt_stab"), "lime_kiln_dust": (1, "vtt_stab"),
         "phosphogypsum": (1, "vtt_stab: gypsum accelerates slag binders"), "fgd_gypsum": (1, "vtt_stab")},
 "Q14": {"ggbs": (3, "backfill: GGBS replaces cement in paste fill"),
         "coal_fly_ash": (3, "backfill: fly ash in paste fill"),
         "fbc_peat_ash": (1, "backfill"), "fbc_mixed_ash": (1, "backfill"), "ladle_slag": (1, "backfill"),
         "aod_slag": (1, "oulu_fecr"), "fayalite_slag": (1, "backfill: ground, partial binder")},
 "Q15": {"bof_slag": (3, "vohla: steel slag among the best P filter media"),
         "eaf_slag_carbon": (3, "vohla: EAF slag filter"),
         "burnt_lime_fines": (3, "vohla: burnt-lime products Polonite, Filtra P"),
         "water_treatment_sludge": (2, "wts: Fe/Al hydroxides bind P"),
         "ggbs": (1, "vohla: BF slag retains some P"), "acbfs": (1, "vohla"),
         "lime_mud": (1, "vohla"), "limestone_fines": (1, "vohla"), "fecr_slag_granulated": (1, "okto: filter material")},
 "Q16": {"limestone_fines": (3, "bref_clm: main raw material"),
         "coal_fly_ash": (3, "bref_clm: alumina-silica corrector"),
         "mill_scale": (3, "bref_clm: iron corrector"), "fayalite_slag": (3, "bref_clm: iron corrector"),
         "foundry_sand": (3, "foundry: silica source"), "quartz_fines": (3, "bref_clm: silica corrector"),
         "lime_mud": (3, "bref_clm: CaCO3"), "fgd_gypsum": (3, "fgd_gypsum: set regulator"),
         "ladle_slag": (2, "bref_clm"), "acbfs": (1, "bref_clm"), "ggbs": (1, "bref_clm"), "bof_slag": (1, "bref_clm"),
         "coal_bottom_ash": (2, "bref_clm"), "phosphogypsum": (1, "fgd_gypsum: P and F limit")},
 "Q17": {"bof_slag": (3, "co2min: steel slag carbonation (Slag2PCC)"),
         "aod_slag": (3, "co2min: fine Ca silicate"),
         "ladle_slag": (2, "co2min"), "eaf_slag_carbon": (2, "co2min"), "burnt_lime_fines": (2, "co2min"),
         "ggbs": (1, "co2min: Ca extraction studied"), "fbc_mixed_ash": (1, "co2min"), "apc_residue": (1, "co2min: treatment in a permitted plant"),
         "mswi_bottom_ash": (1, "co2min"), "crushed_concrete": (1, "co2min")},
 "Q18": {"limestone_fines": (3, "en13043: limestone filler"), "dolomite_fines": (3, "en13043"),
         "feldspar_fines": (3, "en13043: crushed-rock filler"), "coal_fly_ash": (2, "en13043: fly ash filler"),
         "lime_mud": (1, "bref_pp: after drying"), "quartz_fines": (1, "en13043: if fine enough")},
 "Q19": {"limestone_fines": (3, "mmm964: ground limestone"), "dolomite_fines": (3, "mmm964"), "lime_mud": (3, "lime_wastes"),
         "lime_kiln_dust": (2, "lime_wastes"), "burnt_lime_fines": (2, "burnt_lime"), "green_liquor_dregs": (2, "bref_pp"),
         "fbc_wood_ash": (2, "huotari_ash: field use needs low Cd"), "bof_slag": (1, "mmm964: V and Cr near limits")},
 "Q20": {"fecr_slag_granulated": (3, "okto: OKTO insulation sand in streets of Kemi-Tornio"),
         "coal_bottom_ash": (2, "mara: light fill"), "fbc_bed_sand": (1, "mara: sand fill"),
         "acbfs": (1, "ggbs_practice: base, not insulation"), "fecr_slag_lumpy": (1, "okto: base, not insulation"),
         "crushed_concrete": (1, "mara"), "coal_fly_ash": (1, "mara")},
 "Q21": {"bark_wood_residue": (3, "bark: bark boiler fuel"), "fibre_clay": (1, "biosludge: co-fired with bark"),
         "biosludge": (1, "biosludge: after dewatering"), "biochar": (1, "biochar_eu: burning undoes storage")},
 "Q22": {"biosludge": (3, "biosludge: composted soil improver"), "biochar": (3, "biochar_eu: CMC 14"),
         "bark_wood_residue": (2, "bark: composted bark"), "fibre_clay": (2, "biosludge: composted"),
         "phosphogypsum": (1, "gypsum_p: field gypsum, not landscaping"), "feldspar_fines": (1, "mineral_fines: rock dust")},
 "Q23": {"fibre_clay": (3, "biosludge: fibre clay sealing layers of Finnish landfills"),
         "green_liquor_dregs": (3, "makitalo_gld: k 1e-8 to 1e-9 m/s"),
         "coal_fly_ash": (2, "gtk_closure"), "fbc_peat_ash": (1, "gtk_closure"), "mswi_bottom_ash": (1, "gtk_closure: protective layer")},
}

# Where a stated fact of the stream settles the grade against its type's.
OVERRIDES = {
 ("Q05", "P13"): (0, "mmm964: Cd 8.5 mg/kg, far above the field class (1.5 mg/kg)"),
 ("Q19", "P13"): (0, "mmm964: Cd 8.5 mg/kg, far above the field class"),
 ("Q07", "P13"): (0, "mmm964: Cd 8.5 mg/kg, far above the field class (1.5 mg/kg)"),
 ("Q05", "P22"): (0, "mmm964: Cd 9 mg/kg above liming-material limits"),
 ("Q19", "P22"): (0, "mmm964: Cd 9 mg/kg above liming-material limits"),
 ("Q07", "P14"): (3, "mmm964: Cd 1.2 mg/kg within the field class; K and P"),
 ("Q05", "P14"): (3, "huotari_ash; mmm964: low-Cd wood ash limes fields"),
 ("Q11", "P05"): (0, "practice: 0-16 mm slag cannot be dosed below 0.1 mm"),
 ("Q12", "P05"): (0, "practice: 0-16 mm slag cannot be dosed"),
 ("Q11", "P31"): (1, "gtk_closure: carbonate tailings, slow; passing 0.063 mm 70 %"),
 ("Q16", "P42"): (3, "foundry: silica source"),
 ("Q08", "P16"): (0, "mara: chloride leaching 9000 mg/kg exceeds the covered-structure limit"),
}

# Pairings that must never be in a top 5, by material type and application
# (and, where it matters, the need's land use): each with why and a source.
DANGEROUS = [
 {"types": ["tailings_sulphidic", "waste_rock_paf"], "applications": ["cover_layer"],
  "why": "acid-forming material proposed as the cover that must stop acid drainage", "source": "gtk_closure; gard"},
 {"types": ["tailings_sulphidic", "waste_rock_paf"], "applications": ["earth_construction", "concrete_aggregate", "dust_binder", "neutralisation", "liming_agent"],
  "why": "acid-forming, metal-releasing material in an open structure, a road surface or as an alkali", "source": "gard; en12620"},
 {"types": ["quartz_fines", "feldspar_fines", "fbc_bed_sand", "foundry_sand", "acbfs", "waste_rock_naf", "tailings_low_sulphide"],
  "applications": ["geopolymer_binder", "cement_scm", "mass_stabilisation"],
  "why": "inert crystalline material offered as a binder precursor", "source": "duxson; acbfs_aam; ggbs_practice"},
 {"types": ["apc_residue", "steel_dust"], "applications": ["earth_construction", "concrete_aggregate", "dust_binder", "cover_layer", "fertiliser", "liming_agent", "soil_improver"],
  "why": "hazardous residue (absolute entry) in a road, a product or on land", "source": "apc; steel_dust; mara"},
 {"types": ["fecr_slag_lumpy", "fecr_slag_granulated", "eaf_slag_stainless", "eaf_slag_carbon", "aod_slag", "steel_dust"],
  "applications": ["liming_agent", "fertiliser", "soil_improver"],
  "why": "high-chromium slag or dust spread on land as liming or fertiliser", "source": "mmm964"},
 {"types": ["acbfs", "fecr_slag_lumpy", "eaf_slag_carbon", "eaf_slag_stainless", "waste_rock_naf", "crushed_concrete", "fayalite_slag"],
  "applications": ["neutralisation"],
  "why": "coarse slag or rock offered to a dosing plant", "source": "practice"},
 {"types": ["fbc_wood_ash", "fbc_peat_ash", "fbc_mixed_ash", "grate_wood_ash", "mswi_bottom_ash"], "applications": ["cement_scm"],
  "why": "non-coal or incineration ash offered as an EN 450-1 concrete addition", "source": "en450"},
 {"types": ["neutralisation_gypsum", "mswi_bottom_ash", "fbc_mixed_ash"], "applications": ["fertiliser", "soil_improver", "liming_agent"],
  "why": "metal-bearing residue spread on land", "source": "neut_gypsum; mmm964"},
]

# Stream-specific dangerous pairings (a stated fact makes it dangerous).
DANGEROUS_PAIRS = [
 {"need_id": "Q07", "stream_id": "P13", "why": "wood ash with Cd 8.5 mg/kg as field fertiliser (field class 1.5)", "source": "mmm964"},
 {"need_id": "Q05", "stream_id": "P22", "why": "dregs with Cd 9 mg/kg as agricultural liming", "source": "mmm964"},
 {"need_id": "Q11", "stream_id": "P05", "why": "0-16 mm converter slag for a dosing plant", "source": "practice"},
]

# The first labelled set's archetypes (matching/eval/labelled.json stream ids
# "archetype@Town") as catalogue types, so that the dangerous pairings can be
# checked on that set too.
LABELLED_TYPES = {"fecr_slag": "fecr_slag_lumpy", "coal_fly_ash": "coal_fly_ash", "wood_ash": "fbc_wood_ash",
                  "gld_low_cd": "green_liquor_dregs", "gld_high_cd": "green_liquor_dregs", "ggbs": "ggbs",
                  "acbfs": "acbfs", "steel_slag": "bof_slag", "gypsum": "phosphogypsum", "lime_mud": "lime_mud",
                  "tailings_sulphidic": "tailings_sulphidic", "eaf_dust": "steel_dust", "fibre_sludge": "biosludge",
                  "bark": "bark_wood_residue", "waste_rock": "waste_rock_naf", "quarry_fines": "limestone_fines",
                  "msw_bottom_ash": "mswi_bottom_ash"}


def _km(a, b) -> float:
    (la1, lo1), (la2, lo2) = (map(math.radians, a), map(math.radians, b))
    h = math.sin((la2 - la1) / 2) ** 2 + math.cos(la1) * math.cos(la2) * math.sin((lo2 - lo1) / 2) ** 2
    return 2 * 6371.0 * math.asin(math.sqrt(h))


def build() -> dict:
    streams, types = [], {}
    for sid, (mtype, place, cat, ewc, legal, title, desc, groups, qty) in STREAMS.items():
        lat, lon = PLACES[place]
        rec = {"id": sid, "title": title, "description": desc, "category": cat,
               "location": {"lat": lat, "lon": lon, "place": place}, "quantity_t_per_year": qty}
        if ewc:
            rec["ewc_code"] = ewc
        if legal:
            rec["legal_status"] = legal
        rec.update({g: dict(v) for g, v in groups.items()})
        streams.append(rec)
        types[sid] = mtype
    needs, grades = [], []
    for nid, (app, place, km, qty, title, desc, reqs, extra) in NEEDS.items():
        lat, lon = PLACES[place]
        rec = {"id": nid, "title": title, "description": desc, "application": app,
               "location": {"lat": lat, "lon": lon, "place": place}, "quantity_t_per_year": qty,
               "max_distance_km": km, **extra}
        if reqs:
            rec["requirements"] = reqs
        needs.append(rec)
        for s in streams:
            grade, why = G.get(nid, {}).get(types[s["id"]], (0, None))
            grade, why = OVERRIDES.get((nid, s["id"]), (grade, why))
            crow = _km(PLACES[place], PLACES[s["location"]["place"]])
            if (grade or (nid, s["id"]) in OVERRIDES) and crow > km:
                grades.append({"need_id": nid, "stream_id": s["id"], "grade": 0, "infeasible": True,
                               "justification": f"beyond the buyer's haul limit even as the crow flies: "
                                                f"{crow:.0f} km > {km} km"})
            elif grade or (nid, s["id"]) in OVERRIDES:
                grades.append({"need_id": nid, "stream_id": s["id"], "grade": grade, "justification": why})
    return {"about": __doc__.split("\n\n")[0] + " Built by matching/eval/build_practice.py.",
            "batch": {"side_streams": streams, "needs": needs}, "types": types, "grades": grades,
            "dangerous": DANGEROUS, "dangerous_pairs": DANGEROUS_PAIRS, "labelled_types": LABELLED_TYPES}


if __name__ == "__main__":
    path = Path(__file__).with_name("practice.json")
    path.write_text(json.dumps(build(), ensure_ascii=False, indent=1) + "\n", "utf-8")
    print(f"wrote {path}")
