"""Hard checks of one need against its candidate streams, one object each.

A check carries its vectorised test (``test``: boolean arrays over the
candidates) and the reasons it gives for one of them (``explain``), so the two
cannot drift apart. A new check is one small class added to ``CHECKS``; limit
rules on property values are knowledge entries (see ``matching.terms``).

Reasons come as ``Line(order, reason)``: the matcher sorts lines by order so
that the decisive facts come first (see ``ORDER``).
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from . import reasons as R
from .reasons import Reason
from .table import CAT_CODE, CATEGORIES, LEGAL, category_names

WASTE_ACT = "Finnish Waste Act 646/2011, section 29"
_WASTE = LEGAL.index("waste")

#: Order of reason lines: refusals, what the material is and its use, the
#: legal context, the limit that binds closest, missing analyses, distance
#: and cost, legal status, the rest.
ORDER = {"refusal": 0, "material": 1, "use": 2, "context": 3, "limits": 4, "missing": 5,
         "transport": 6, "legal": 7, "other": 8}


@dataclass(frozen=True)
class Line:
    order: int
    reason: Reason


def line(kind: str, reason: Reason) -> Line:
    return Line(ORDER[kind], reason)


@dataclass
class Outcome:
    """Per candidate: ``bad`` refuses, ``unknown`` leaves it unverified,
    ``soft`` counts as one broken rule of thumb (a score factor)."""
    bad: np.ndarray | None = None
    unknown: np.ndarray | None = None
    soft: np.ndarray | None = None


@dataclass
class Frame:
    """What a check sees of one need and its candidates."""
    matcher: object
    need: object
    app: dict
    context: object          # matcher.Context
    cand: np.ndarray         # stream rows
    road_km: np.ndarray
    ewc: np.ndarray          # EWC index per candidate, -1 none
    waste: np.ndarray        # legally waste
    permitted: np.ndarray    # lookup over EWC indices: the receiver's permit names it
    j: int = -1              # the candidate being explained

    @property
    def table(self):
        return self.matcher.table_


class Check:
    """One hard check: ``test`` over the candidates, ``explain`` one of them."""
    name = ""

    def test(self, f: Frame) -> Outcome | None:
        raise NotImplementedError

    def explain(self, f: Frame, row: int, bad: bool, unknown: bool, soft: bool) -> tuple[list, set]:
        """(lines, missing keys) for one candidate."""
        raise NotImplementedError


class Distance(Check):
    name = "distance"

    def test(self, f):
        if f.need.max_distance_km is None:
            return None
        return Outcome(bad=f.road_km > f.need.max_distance_km)

    def explain(self, f, row, bad, unknown, soft):
        if not bad:
            return [], set()
        road = float(f.road_km[f.j])
        return [line("refusal", Reason(R.TOO_FAR, {"road_km": road, "limit": f.need.max_distance_km}, False))], set()


class Categories(Check):
    name = "category"

    def test(self, f):
        if not f.need.categories:
            return None
        ok = np.zeros(len(CATEGORIES), dtype=bool)
        ok[[CAT_CODE[c] for c in f.need.categories]] = True
        return Outcome(bad=~ok[f.table.category[f.cand]])

    def explain(self, f, row, bad, unknown, soft):
        if not bad:
            return [], set()
        cat = CATEGORIES[f.table.category[row]]
        return [line("refusal", Reason(R.CATEGORY_REFUSED, {"category": cat, "accepted": ", ".join(f.need.categories)},
                                       False))], set()


class EwcCodes(Check):
    name = "ewc"

    def test(self, f):
        if not f.need.ewc_codes:
            return None
        unknown = f.ewc < 0
        return Outcome(bad=~unknown & ~f.matcher.code_table(f.need.ewc_codes)[f.ewc], unknown=unknown)

    def explain(self, f, row, bad, unknown, soft):
        accepted = ", ".join(f.need.ewc_codes)
        if bad:
            return [line("refusal", Reason(R.EWC_REFUSED, {"ewc": f.matcher.ewc_of(row), "accepted": accepted}, False))], set()
        if unknown:
            return [line("missing", Reason(R.EWC_UNKNOWN, {"accepted": accepted}))], {"ewc_code"}
        return [], set()


class Quantity(Check):
    name = "quantity"

    def test(self, f):
        if f.need.min_quantity_t_per_year is None:
            return None
        q = f.table.quantity[f.cand]
        unknown = np.isnan(q)
        return Outcome(bad=~unknown & (q < f.need.min_quantity_t_per_year), unknown=unknown)

    def explain(self, f, row, bad, unknown, soft):
        limit = f.need.min_quantity_t_per_year
        if bad:
            q = float(f.table.quantity[row])
            return [line("refusal", Reason(R.QUANTITY_TOO_SMALL, {"quantity": q, "limit": limit}, False))], set()
        if unknown:
            return [line("missing", Reason(R.QUANTITY_UNKNOWN, {"limit": limit}))], {"quantity_t_per_year"}
        return [], set()


class Price(Check):
    name = "price"

    def test(self, f):
        if f.need.max_price_eur_per_t is None:
            return None
        return Outcome(bad=f.table.price[f.cand] > f.need.max_price_eur_per_t)  # NaN compares False

    def explain(self, f, row, bad, unknown, soft):
        if not bad:
            return [], set()
        return [line("refusal", Reason(R.PRICE_TOO_HIGH, {"price": float(f.table.price[row]),
                                                          "limit": f.need.max_price_eur_per_t}, False))], set()


class LegalStatus(Check):
    """Waste Act 646/2011 s. 29: waste only to a receiver entitled to take it."""
    name = "legal_status"

    def test(self, f):
        bad = np.zeros(len(f.cand), dtype=bool)
        unknown = np.zeros(len(f.cand), dtype=bool)
        if f.need.accepts_waste is False:
            bad |= f.waste
        if f.need.permitted_ewc_codes is not None:
            bad |= f.waste & (f.ewc >= 0) & ~f.permitted[f.ewc]
            unknown |= f.waste & (f.ewc < 0)
        return Outcome(bad=bad, unknown=unknown)

    def explain(self, f, row, bad, unknown, soft):
        t, need = f.table, f.need
        legal = LEGAL[t.legal[row]] if t.legal[row] >= 0 else None
        ewc = f.matcher.ewc_of(row)
        if legal == "waste":
            if bad and need.accepts_waste is False:
                return [line("refusal", Reason(R.WASTE_NOT_ACCEPTED, {}, False, WASTE_ACT))], set()
            if bad:
                return [line("refusal", Reason(R.WASTE_CODE_NOT_PERMITTED, {"ewc": ewc}, False, WASTE_ACT))], set()
            if unknown:
                return [line("missing", Reason(R.WASTE_CODE_UNKNOWN, {}, None, WASTE_ACT))], {"ewc_code"}
            if need.permitted_ewc_codes is not None:
                return [line("legal", Reason(R.WASTE_PERMITTED, {"ewc": ewc}, True, WASTE_ACT))], set()
            if need.accepts_waste:
                return [line("legal", Reason(R.WASTE_ACCEPTED, {}, True, WASTE_ACT))], set()
            return [line("legal", Reason(R.STATUS_UNCONFIRMED, {"who": R.WHO_RECEIVER}, None, WASTE_ACT))], set()
        # The status matters only where the receiver restricts waste or the
        # use's rules depend on it (a decree that covers wastes only).
        matters = need.accepts_waste is False or need.permitted_ewc_codes is not None or bool(f.app.get("scope"))
        if legal is None:
            if not matters:
                return [], set()
            return [line("legal", Reason(R.STATUS_UNCONFIRMED, {"who": R.WHO_HOLDER}, None, WASTE_ACT))], set()
        if not matters:
            return [], set()
        if legal in ("by_product", "end_of_waste") and not t.evidence[row]:
            return [line("legal", Reason(R.STATUS_CLAIMED, {"status": legal.replace("_", "-")}, None, WASTE_ACT))], set()
        return [line("legal", Reason(R.NO_PERMIT_NEEDED, {"status": legal.replace("_", "-")}, True))], set()


class Hazardous(Check):
    """Hazardous entries by the use's policy; an absolute entry stays
    hazardous, a mirror entry is judged by the stated hazardous properties."""
    name = "hazardous"

    def test(self, f):
        haz = f.matcher.hazardous_[f.cand]
        if f.app.get("hazardous_policy", "permit") == "refuse":
            return Outcome(bad=haz)
        return Outcome(bad=haz & ~f.permitted[f.ewc])

    def explain(self, f, row, bad, unknown, soft):
        m = f.matcher
        ewc = m.ewc_of(row)
        if ewc is None:
            return [], set()
        entry = m.list_of_waste_.get(ewc.rstrip("*"))
        hp = int(f.table.hp[row])
        src = f.app.get("hazardous_source")
        out = []
        if m.hazardous_[row]:
            if entry and entry["hazardous"] and not entry["mirror"]:
                out.append(line("legal", Reason(R.HAZARDOUS_ABSOLUTE, {"ewc": ewc}, None)))
            elif hp > 0 and not ewc.endswith("*"):
                props = ", ".join(f"HP{i}" for i in range(1, 16) if hp & (1 << i))
                out.append(line("legal", Reason(R.HAZARDOUS_BY_PROPERTIES, {"ewc": ewc, "properties": props}, None)))
            if bad:
                tpl = R.HAZARDOUS_REFUSED if f.app.get("hazardous_policy") == "refuse" else R.HAZARDOUS_NOT_PERMITTED
                out.insert(0, line("refusal", Reason(tpl, {"ewc": ewc, "application": f.app.get("name_en", f.need.application),
                                                           "application_fi": f.app.get("name_fi", "")}, False, src)))
            else:
                out.append(line("legal", Reason(R.HAZARDOUS_PERMITTED, {"ewc": ewc}, True, src)))
        elif entry and entry["mirror"] and hp < 0 and f.app.get("hazardous_policy") == "refuse":
            out.append(line("legal", Reason(R.MIRROR_NOT_ASSESSED, {"ewc": ewc}, None)))
        return out, set()


class DecreeScope(Check):
    """A decree that covers only listed wastes (MARA 843/2017 Annex 1) and
    not at all in some areas (its s. 2(2): class 1 and 2 groundwater areas)."""
    name = "scope"

    def test(self, f):
        scope = f.app.get("scope")
        if not scope:
            return None
        listed = f.matcher.code_table(scope.get("ewc_codes"))
        outside = ~listed[f.ewc]
        if f.context.values.get("groundwater_area"):
            outside = np.ones(len(f.cand), dtype=bool)
        return Outcome(bad=f.waste & (f.ewc >= 0) & outside & ~f.permitted[f.ewc],
                       unknown=f.waste & (f.ewc < 0))

    def explain(self, f, row, bad, unknown, soft):
        scope = f.app["scope"]
        act, src = scope.get("act", scope.get("source")), scope.get("source")
        t = f.table
        legal = LEGAL[t.legal[row]] if t.legal[row] >= 0 else None
        ewc = f.matcher.ewc_of(row)
        if legal not in scope.get("statuses", ["waste", None]):
            return [line("legal", Reason(R.SCOPE_NOT_WASTE, {"status": legal.replace("_", "-"), "act": act}, None, src))], set()
        if f.context.values.get("groundwater_area"):
            r = Reason(R.MARA_GROUNDWATER, {"act": act, "ewc": ewc or "-"}, False if bad else None,
                       scope.get("groundwater_source"))
            return [line("refusal" if bad else "context", r)], set()
        if bad:
            return [line("refusal", Reason(R.SCOPE_NOT_LISTED, {"ewc": ewc, "act": act}, False, src))], set()
        if unknown:
            return [line("missing", Reason(R.SCOPE_CODE_UNKNOWN, {"act": act}, None, src))], {"ewc_code"}
        if ewc is None:
            return [], set()
        if not f.matcher.code_table(scope.get("ewc_codes"))[t.ewc[row]]:
            tpl = R.SCOPE_PERMITTED if legal == "waste" else R.SCOPE_UNCONFIRMED
            return [line("legal", Reason(tpl, {"ewc": ewc, "act": act}, True if legal == "waste" else None, src))], set()
        return [line("legal", Reason(R.SCOPE_LISTED, {"ewc": ewc, "act": act}, True, src))], set()


class MaterialUse(Check):
    """The documented-use matrix: an unsuitable use is refused; a material
    type read with low confidence leaves the match unverified."""
    name = "material_use"

    def test(self, f):
        m = f.matcher
        app = f.context.uses_of
        sure_type = m.mtype_sure_[f.cand]
        sure = sure_type < len(m.types_)
        bad = m.use_unsuitable(app)[sure_type]
        return Outcome(bad=bad, unknown=~sure)

    def explain(self, f, row, bad, unknown, soft):
        m = f.matcher
        key = m.type_of(row)
        conf = float(m.mconf_[row])
        out = []
        if key is None:
            out.append(line("material", Reason(R.MATERIAL_UNKNOWN, {})))
            return out, {"material_type"}
        names = m.type_names(key)
        if conf >= 1.0:
            out.append(line("material", Reason(R.MATERIAL_STATED, dict(names))))
        elif not unknown:
            out.append(line("material", Reason(R.MATERIAL_READ, {**names, "confidence": conf})))
        elif m.category_only_[row]:
            out.append(line("material", Reason(R.MATERIAL_CATEGORY_ONLY, category_names(CATEGORIES[f.table.category[row]]), None)))
        elif m.category_disagrees_[row]:
            category = CATEGORIES[f.table.category[row]].replace("_", " ")
            out.append(line("material", Reason(R.MATERIAL_CATEGORY_DISAGREES,
                                               {**names, "confidence": conf, "category": category}, None)))
        else:
            out.append(line("material", Reason(R.MATERIAL_UNSURE, {**names, "confidence": conf}, None)))
        app = f.context.uses_of
        use = m.use_of(key, app)
        appn = m.app_names(app)
        if use is None:
            out.append(line("use", Reason(R.USE_UNDOCUMENTED, appn)))
        else:
            tpl = {"proven": R.USE_PROVEN, "possible": R.USE_POSSIBLE, "unsuitable": R.USE_UNSUITABLE}[use.status]
            why = {"why": use.reason["en"], "why_fi": use.reason.get("fi", ""), "why_sv": use.reason.get("sv", "")}
            ok = {"proven": True, "possible": None, "unsuitable": False}[use.status]
            part = f.context.values.get("part")
            if not bad and part and use.parts and part not in use.parts:
                labels = m.reading_.get("labels", {})
                names = {f"part{sfx}": ", ".join(labels.get(f"part:{x}", {}).get(lang, x) for x in use.parts)
                         for sfx, lang in (("", "en"), ("_fi", "fi"), ("_sv", "sv"))}
                asked = {f"asked{sfx}": labels.get(f"part:{part}", {}).get(lang, part)
                         for sfx, lang in (("", "en"), ("_fi", "fi"), ("_sv", "sv"))}
                out.append(line("use", Reason(R.USE_OTHER_PART, {**appn, **why, **names, **asked}, None,
                                              m.source_of(use))))
            else:
                out.append(line("refusal" if bad else "use",
                                Reason(tpl, {**appn, **why}, ok if not unknown else None, m.source_of(use))))
        return out, ({"material_type"} if unknown else set())


#: NP in kg CaCO3/t per wt% of neutralising value as CaO equivalent:
#: 100.09 / 56.08 (molar masses of CaCO3 and CaO) x 10 kg/t per wt%.
NP_PER_NV_PCT = 100.09 / 56.08 * 10
#: AP in kg CaCO3/t per wt% S (Sobek et al. 1978: 1 mol S -> 1 mol CaCO3, 100/32).
AP_PER_S_PCT = 31.25


class AcidBase(Check):
    """Acid-base accounting for uses where acid drainage matters (covers,
    backfill, aggregates, earth works): NP/AP below 1 refused, below 3 a
    flag. Applies to mine wastes (tailings, waste rock) and to streams of
    unknown type whose sulphur is analysed (see _applies)."""
    name = "acid_base"

    def _values(self, f, rows):
        t = f.table
        sul, tot, nv = (t.values_of(k, rows) for k in ("S_sulphide", "S", "neutralising_value_pct"))
        s = np.where(np.isnan(sul), tot, sul)
        return s, nv, np.isnan(sul) & ~np.isnan(tot)

    def _applies(self, f, rows):
        """Mine wastes (by the stream's category or its material type), and
        any stream of unknown or unsure type whose sulphur is analysed or
        whose read type has sulphide as a deciding property. Not a stream
        known with confidence to be a metallurgical slag, an ash or another
        non-mine material: their sulphur is calcium or manganese sulphide
        in an alkaline matrix (slags) or sulphate (ashes, gypsum), which
        does not make acid as pyrite does; the use's own sulphur limits
        (EN 12620, EN 15167-1) judge it."""
        t, m = f.table, f.matcher
        cat = t.category[rows]
        mine = (cat == CAT_CODE["tailings"]) | (cat == CAT_CODE["waste_rock"])
        sure = m.mtype_sure_[rows]
        mine |= m.mine_waste_type_[sure]
        unsure = sure >= len(m.types_)
        s, _, _ = self._values(f, rows)
        return mine | (unsure & (m.sulphide_deciding_[m.mtype_[rows]] | ~np.isnan(s)))

    def test(self, f):
        aba = f.app.get("acid_base")
        if not aba:
            return None
        s, nv, _ = self._values(f, f.cand)
        applies = self._applies(f, f.cand)
        ap = AP_PER_S_PCT * s
        np_ = NP_PER_NV_PCT * nv
        with np.errstate(divide="ignore", invalid="ignore"):
            ratio = np.where(ap > 0, np_ / ap, np.inf)
        known = ~np.isnan(s) & (~np.isnan(nv) | (s == 0))
        ratio = np.where(np.isnan(nv) & (s == 0), np.inf, ratio)
        bad = applies & known & (ratio < aba["refuse_below"])
        soft = applies & known & ~bad & (ratio < aba["flag_below"])
        return Outcome(bad=bad, unknown=applies & ~known, soft=soft)

    def explain(self, f, row, bad, unknown, soft):
        aba = f.app["acid_base"]
        rows = np.array([row])
        if not self._applies(f, rows)[0]:
            return [], set()
        s, nv, total = (x[0] for x in self._values(f, rows))
        if unknown:
            keys = [k for k, v in (("S_sulphide", s), ("neutralising_value_pct", nv)) if np.isnan(v)]
            return [line("missing", Reason(R.ABA_MISSING, {"keys": ", ".join(keys)}))], set(keys)
        ap, np_ = AP_PER_S_PCT * float(s), NP_PER_NV_PCT * (0.0 if np.isnan(nv) else float(nv))
        ratio = np_ / ap if ap > 0 else float("inf")
        shown = ratio if np.isfinite(ratio) else 999.0
        params = {"ratio": round(shown, 2), "ap": ap, "np": np_}
        if bad:
            return [line("refusal", Reason(R.ABA_REFUSED, {**params, "sulphur": float(s),
                                                           "skey": "S" if total else "S_sulphide"},
                                           False, aba["source"]))], set()
        if soft:
            return [line("limits", Reason(R.ABA_FLAGGED, params, False, aba["source"]))], set()
        return [line("limits", Reason(R.ABA_OK, params, True))], set()


#: Every hard check, in the order their refusals are told.
CHECKS = (Distance(), MaterialUse(), AcidBase(), Categories(), EwcCodes(), Quantity(), Price(),
          LegalStatus(), Hazardous(), DecreeScope())
