"""The short guide to a side stream's legal status shown beside the form, in both languages.

Sources, read for this guide:
- Directive 2008/98/EC (Waste Framework Directive), Article 5 (by-products) and Article 6
  (end-of-waste status, as amended by Directive (EU) 2018/851).
- Finnish Waste Act 646/2011 (jätelaki), section 5: subsection 1 defines waste and
  subsection 2 a by-product with the Directive's four conditions (Finlex, the Act as
  enacted); the end-of-waste conditions were in subsection 4 of section 5 as enacted and
  are in section 5 a of the Act as amended. A Government proposal (HE 160/2025) adds a
  procedure for classification decisions from 1 January 2027.
- Section 29: waste may be handed only to a receiver entitled to take it; section 121:
  the transfer document.
"""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

# Statuses for which a hazardous List of Waste entry needs a document attached.
NEEDS_EVIDENCE_IF_HAZARDOUS = ("by_product", "end_of_waste", "product")

GUIDE = {
    "waste": {
        "title": _l("Waste"),
        "summary": _l("Material its holder discards, intends to discard or must discard (Waste Act "
                      "646/2011, section 5, subsection 1). It may be handed only to a receiver "
                      "entitled to take it, under an environmental permit or a registration (section 29); "
                      "hazardous waste travels with a transfer document (section 121)."),
        "conditions": [],
        "evidence": [
            _l("Nothing to prove: the receiver needs a permit or registration that covers the List of "
               "Waste code."),
        ],
        "sources": [_l("Waste Act 646/2011, sections 5, 29 and 121")],
    },
    "by_product": {
        "title": _l("By-product"),
        "summary": _l("A substance or object resulting from a production process whose primary aim is "
                      "not its production is not waste but a by-product when all four conditions hold."),
        "conditions": [
            _l("Further use is certain (e.g. a contract or a steady buyer)."),
            _l("It can be used directly without any further processing other than normal industrial "
               "practice."),
            _l("It is produced as an integral part of a production process."),
            _l("Further use is lawful: it meets the product, environmental and health requirements of "
               "the use and will not lead to overall adverse environmental or human health impacts."),
        ],
        "evidence": [
            _l("The authority's by-product decision, e.g. of the ELY Centre or the regional state "
               "administrative agency (or the permit authority that succeeded them), or the "
               "environmental permit that states the by-product status."),
        ],
        "sources": [_l("Directive 2008/98/EC, Article 5"), _l("Waste Act 646/2011, section 5, subsection 2")],
    },
    "end_of_waste": {
        "title": _l("End-of-waste"),
        "summary": _l("Waste that has undergone a recycling or other recovery operation ceases to be "
                      "waste when all four conditions hold."),
        "conditions": [
            _l("The substance or object is commonly used for specific purposes."),
            _l("A market or demand exists for it."),
            _l("It fulfils the technical requirements for the specific purposes and meets the "
               "legislation and standards applicable to products."),
            _l("Its use will not lead to overall adverse environmental or human health impacts."),
        ],
        "evidence": [
            _l("The authority's case-by-case end-of-waste decision, or proof of meeting EU or national "
               "end-of-waste criteria (e.g. Council Regulation (EU) No 333/2011 for iron and steel "
               "scrap) with the recovery operation's permit."),
        ],
        "sources": [_l("Directive 2008/98/EC, Article 6"), _l("Waste Act 646/2011, section 5 a")],
    },
    "product": {
        "title": _l("Product"),
        "summary": _l("Material made and placed on the market as a product: product and chemicals law "
                      "applies, not waste law."),
        "conditions": [],
        "evidence": [
            _l("A declaration of performance with CE marking under the Construction Products "
               "Regulation (EU) No 305/2011 and its harmonised standard, e.g. EN 13242 (aggregates for "
               "unbound and hydraulically bound materials), EN 12620 (aggregates for concrete), "
               "EN 450-1 (fly ash for concrete) or EN 15167-1 (ground granulated blast furnace slag)."),
            _l("Or another product conformity document of the use, e.g. of a fertiliser product."),
        ],
        "sources": [_l("Regulation (EU) No 305/2011")],
    },
}


def guide_for(status: str) -> dict | None:
    return GUIDE.get(status)
