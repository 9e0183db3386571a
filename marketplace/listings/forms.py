"""Forms of side streams and material needs. Each form turns into a contract record
(``to_record``) which the services check with the same rules as an import."""
from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import (
    BooleanField, Form, FieldList, FormField, HiddenField, SelectField, SelectMultipleField, StringField,
    TextAreaField, widgets,
)
from wtforms.fields import DateField
from wtforms.validators import ValidationError, DataRequired, Length, Optional

from matching import vocabulary as V

from ..i18n import APPLICATION_LABELS, AVAILABILITY_LABELS, CATEGORY_LABELS, LEGAL_STATUS_LABELS, VISIBILITY_LABELS
from ..models import APPLICATIONS, CATEGORIES, LEGAL_STATUSES
from ..models.side_stream import AVAILABILITIES
from ..reference import normalise_ewc_code
from matching.materials import load_catalogue

from .records import CONTEXT_CHOICES, CONTEXT_FIELD_LABELS, CONTEXT_VALUE_LABELS, HAZARDOUS_PROPERTIES, SOURCE_KINDS
from .values import check_value, convert, group_values, known_key, parse_number, unknown_key_message

HAZARD_LABELS = {
    "HP1": _l("HP1 Explosive"), "HP2": _l("HP2 Oxidising"), "HP3": _l("HP3 Flammable"),
    "HP4": _l("HP4 Irritant – skin irritation and eye damage"),
    "HP5": _l("HP5 Specific target organ toxicity / aspiration toxicity"),
    "HP6": _l("HP6 Acute toxicity"), "HP7": _l("HP7 Carcinogenic"), "HP8": _l("HP8 Corrosive"),
    "HP9": _l("HP9 Infectious"), "HP10": _l("HP10 Toxic for reproduction"),
    "HP11": _l("HP11 Mutagenic"), "HP12": _l("HP12 Release of an acute toxic gas"),
    "HP13": _l("HP13 Sensitising"), "HP14": _l("HP14 Ecotoxic"),
    "HP15": _l("HP15 Capable of exhibiting a hazardous property not displayed by the original waste"),
}


class NumberField(StringField):
    """A number typed in either language's way ('30,5' or '30.5'); empty is None."""

    def __init__(self, label=None, validators=None, minimum=None, **kwargs):
        kwargs.setdefault("render_kw", {}).setdefault("inputmode", "decimal")
        super().__init__(label, validators, **kwargs)
        self.minimum = minimum
        self.number = None

    def process_formdata(self, valuelist):
        super().process_formdata(valuelist)
        self.number = None
        if not valuelist:
            return
        try:
            self.number = parse_number(valuelist[0])
        except ValueError:
            self.number = None
            raise ValueError(_("Enter a number, e.g. 30,5.")) from None
        if self.number is not None and self.minimum is not None and self.number < self.minimum:
            raise ValueError(_("Must be at least %(minimum)s.", minimum=self.minimum))

    def process_data(self, value):
        self.number = value
        self.data = "" if value is None else f"{value:g}" if isinstance(value, float) else str(value)

    def _value(self):
        return self.data or ""


class MeasurementField(NumberField):
    """A measured value; a leading '<' marks a result below the laboratory's detection limit,
    the number being that limit ('< 0,5')."""

    below = False

    def process_formdata(self, valuelist):
        text = valuelist[0].strip() if valuelist else ""
        self.below = text.startswith("<")
        super().process_formdata([text[1:]] if self.below else valuelist)


def _choices(values, labels, blank=None):
    choices = [(v, labels[v]) for v in values]
    return ([("", blank)] if blank is not None else []) + choices


class MultiCheckboxField(SelectMultipleField):
    widget = widgets.ListWidget(prefix_label=False)
    option_widget = widgets.CheckboxInput()


class ValueRowForm(Form):
    """One measured value: property key, value and unit (blank unit = the key's own)."""

    property = StringField(_l("Property"), validators=[Optional(), Length(max=40)],
                           render_kw={"list": "vocabulary-keys", "autocomplete": "off"})
    value = MeasurementField(_l("Value"))
    unit = StringField(_l("Unit"), validators=[Optional(), Length(max=20)])

    def is_blank(self) -> bool:
        return not (self.property.data or "").strip() and self.value.number is None

    def checked(self) -> tuple[str, float] | None:
        """(key, value in the key's unit), or None with errors set on the row's fields."""
        raw = (self.property.data or "").strip()
        key = known_key(raw) if raw else None
        if not raw:
            self.property.errors = list(self.property.errors) + [_("Name the property.")]
            return None
        if key is None:
            self.property.errors = list(self.property.errors) + [unknown_key_message(raw)]
            return None
        if self.value.number is None:
            if not self.value.errors:
                self.value.errors = list(self.value.errors) + [_("Enter the value.")]
            return None
        try:
            value = convert(key, self.value.number, self.unit.data)
        except ValueError:
            self.unit.errors = list(self.unit.errors) + [
                _("%(unit)s does not fit %(key)s: use %(canonical)s.", unit=self.unit.data, key=key,
                  canonical=V.unit_of(key) or "–")]
            return None
        message = check_value(key, value)
        if message:
            self.value.errors = list(self.value.errors) + [message]
            return None
        return key, value


class RequirementRowForm(Form):
    """A hard limit: a property or a sum of properties, optionally per another, min and/or max."""

    property = StringField(_l("Property or sum"), validators=[Optional(), Length(max=200)],
                           render_kw={"list": "vocabulary-keys", "autocomplete": "off",
                                      "placeholder": "SiO2+Al2O3"})
    per = StringField(_l("Per"), validators=[Optional(), Length(max=200)],
                      render_kw={"list": "vocabulary-keys", "autocomplete": "off"})
    min = NumberField(_l("Min"))
    max = NumberField(_l("Max"))
    note = StringField(_l("Note"), validators=[Optional(), Length(max=500)])

    def is_blank(self) -> bool:
        return not (self.property.data or "").strip() and self.min.number is None and self.max.number is None

    def as_record(self) -> dict:
        item = {"property": (self.property.data or "").strip().replace(" ", "")}
        if (self.per.data or "").strip():
            item["per"] = self.per.data.strip().replace(" ", "")
        if self.min.number is not None:
            item["min"] = self.min.number
        if self.max.number is not None:
            item["max"] = self.max.number
        if (self.note.data or "").strip():
            item["note"] = self.note.data.strip()
        return item


SOURCE_KIND_LABELS = {
    "lab_analysis": _l("Laboratory analysis of this stream"), "published": _l("Publication"),
    "typical": _l("Typical values of the material"), "estimate": _l("Estimate"),
}


def material_type_groups(lang: str) -> list[tuple[str, list[tuple[str, str]]]]:
    """The catalogue's material types for a select: (category label, [(key, name)]) in the
    order of the categories, names in the reader's language (matching/knowledge)."""
    types = load_catalogue().types
    groups = []
    for category in CATEGORIES:
        members = sorted(((key, t.name(lang)) for key, t in types.items() if t.category == category),
                         key=lambda item: item[1].lower())
        if members:
            groups.append((str(CATEGORY_LABELS[category]), members))
    return groups


class SourceRowForm(Form):
    """Where values come from (the contract's ``sources`` item)."""

    kind = SelectField(_l("Source"), validate_choice=False,
                       choices=[("", _l("– none –"))] + [(k, SOURCE_KIND_LABELS[k]) for k in SOURCE_KINDS])
    properties = StringField(_l("Properties it covers (comma-separated; empty: all)"),
                             validators=[Optional(), Length(max=2000)], render_kw={"placeholder": "CaO, leach:Cr"})
    reference = StringField(_l("Report number and laboratory, or citation"), validators=[Optional(), Length(max=500)])
    method = StringField(_l("Standard or method"), validators=[Optional(), Length(max=200)],
                         render_kw={"placeholder": "EN 12457-2"})
    date = DateField(_l("Date"), validators=[Optional()])

    def is_blank(self) -> bool:
        return not (self.kind.data or (self.reference.data or "").strip() or (self.method.data or "").strip()
                    or (self.properties.data or "").strip() or self.date.data)

    def as_record(self) -> dict:
        item = {"kind": self.kind.data or ""}
        keys = [known_key(k.strip()) or k.strip() for k in (self.properties.data or "").split(",") if k.strip()]
        if keys:
            item["properties"] = list(dict.fromkeys(keys))
        for name in ("reference", "method"):
            text = (getattr(self, name).data or "").strip()
            if text:
                item[name] = text
        if self.date.data:
            item["date"] = self.date.data.isoformat()
        return item


class LocationMixin:
    site_id = SelectField(_l("One of our sites"), coerce=str, validators=[Optional()])
    place = StringField(_l("Place"), validators=[Optional(), Length(max=200)],
                        render_kw={"autocomplete": "off"})
    lat = NumberField(_l("Latitude"), render_kw={"placeholder": "65.78"})
    lon = NumberField(_l("Longitude"), render_kw={"placeholder": "24.17"})


def set_site_choices(form, organisation) -> None:
    sites = list(organisation.sites) if organisation is not None else []
    form.site_id.choices = [("", _("– none –"))] + [(str(s.id), s.name) for s in sites]


class StreamForm(LocationMixin, FlaskForm):
    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=200)])
    description = TextAreaField(_l("Description"), validators=[Optional(), Length(max=10000)])
    category = SelectField(_l("Category"), choices=_choices(CATEGORIES, CATEGORY_LABELS),
                           validators=[DataRequired()])
    ewc_code = StringField(_l("List of Waste code"), validators=[Optional(), Length(max=12)],
                           render_kw={"placeholder": "10 02 02", "autocomplete": "off"})
    hazardous_properties = MultiCheckboxField(
        _l("Hazardous properties"), choices=[(hp, HAZARD_LABELS[hp]) for hp in HAZARDOUS_PROPERTIES],
        validators=[Optional()])
    hazard_note = TextAreaField(_l("Hazard assessment"), validators=[Optional(), Length(max=5000)])
    industry = StringField(_l("Producing activity (NACE code or name)"),
                           validators=[Optional(), Length(max=200)])
    legal_status = SelectField(_l("Legal status"),
                               choices=_choices(LEGAL_STATUSES, LEGAL_STATUS_LABELS, _l("Not stated")))
    # The document behind a by-product, end-of-waste or product status (marketplace.compliance).
    legal_evidence = FileField(_l("Evidence of the legal status (decision or declaration of performance)"))
    legal_evidence_title = StringField(_l("Title of the document (optional)"), validators=[Optional(), Length(max=200)])
    legal_status_evidence = StringField(_l("Reference of the decision or declaration (authority, number, date)"),
                                        validators=[Optional(), Length(max=500)])
    quantity_t_per_year = NumberField(_l("Quantity (t/a)"), minimum=0)
    lot_t = NumberField(_l("Lot size (t)"), minimum=0)
    availability = SelectField(_l("Availability"),
                               choices=_choices(AVAILABILITIES, AVAILABILITY_LABELS, _l("Not stated")))
    available_from = DateField(_l("Available from"), validators=[Optional()])
    available_until = DateField(_l("Available until"), validators=[Optional()])

    def validate_available_until(self, field):
        start = self.available_from.data
        if field.data and start and field.data < start:
            raise ValidationError(_("The end of availability is before its start."))
    price_eur_per_t = NumberField(_l("Price (€/t; negative: you pay for removal)"))
    visibility = SelectField(_l("Visibility"), choices=_choices(("public", "anonymous", "brokered"),
                                                                VISIBILITY_LABELS))
    # The seller's correction of what the stream was read as; blank: the reading stands.
    # Choices come from the catalogue in the reader's language (material_type_groups); an
    # unknown key is refused by records.stream_problems with its own message.
    material_type = SelectField(_l("Material type"), choices=[], validate_choice=False)
    sources = FieldList(FormField(SourceRowForm), min_entries=0)
    values = FieldList(FormField(ValueRowForm), min_entries=0)
    paste = TextAreaField(_l("Paste the lines of a lab report (copy them from the report)"), validators=[Optional(), Length(max=20000)],
                          render_kw={"rows": 5, "placeholder": "SiO2\t30,5\nCaO 42.1 %\nCd 0,8 mg/kg"})
    action = HiddenField()

    def value_pairs(self) -> dict[str, float] | None:
        """Every filled row as key -> value; None when a row has an error. Keys whose value
        is a detection limit ('< 0,5') are kept in ``below_keys``."""
        pairs, ok = {}, True
        self.below_keys = set()
        for row in self.values:
            if row.form.is_blank():
                continue
            checked = row.form.checked()
            if checked is None:
                ok = False
                continue
            key, value = checked
            if row.form.value.below:
                self.below_keys.add(key)
            if key in pairs:
                row.form.property.errors = list(row.form.property.errors) + [
                    _("%(key)s is given twice.", key=key)]
                ok = False
            pairs[key] = value
        return pairs if ok else None

    def to_record(self, values: dict[str, float], location: dict) -> dict:
        record = {
            "id": "form", "title": self.title.data.strip(), "description": self.description.data or "",
            "category": self.category.data, "visibility": self.visibility.data or "public",
            "location": location,
        }
        optional = {
            "ewc_code": (self.ewc_code.data or "").strip() or None,
            "industry": (self.industry.data or "").strip() or None,
            "legal_status": self.legal_status.data or None,
            "availability": self.availability.data or None,
            "quantity_t_per_year": self.quantity_t_per_year.number,
            "lot_t": self.lot_t.number,
            "price_eur_per_t": self.price_eur_per_t.number,
            "available_from": self.available_from.data.isoformat() if self.available_from.data else None,
            "available_until": self.available_until.data.isoformat() if self.available_until.data else None,
            "legal_status_evidence": (self.legal_status_evidence.data or "").strip() or None,
            "hazardous_properties": list(dict.fromkeys(self.hazardous_properties.data or [])) or None,
            "material_type": (self.material_type.data or "").strip() or None,
            "sources": [row.form.as_record() for row in self.sources if not row.form.is_blank()] or None,
        }
        record.update({k: v for k, v in optional.items() if v is not None})
        below = getattr(self, "below_keys", set())
        record.update(group_values({k: v for k, v in values.items() if k not in below}))
        if below:
            record["below_detection"] = {k: v for k, v in values.items() if k in below}
        return record


def _context_choices(name: str) -> list:
    return [("", _l("Not stated: read from the text"))] + [
        (value, CONTEXT_VALUE_LABELS[name][value]) for value in CONTEXT_CHOICES[name]]


class NeedForm(LocationMixin, FlaskForm):
    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=200)])
    description = TextAreaField(_l("Description"), validators=[Optional(), Length(max=10000)])
    application = SelectField(_l("Application"), choices=_choices(APPLICATIONS, APPLICATION_LABELS),
                              validators=[DataRequired()])
    categories = MultiCheckboxField(_l("Acceptable categories (none ticked: any)"),
                                    choices=_choices(CATEGORIES, CATEGORY_LABELS))
    ewc_codes = StringField(_l("Acceptable List of Waste codes (comma-separated; empty: any)"),
                            validators=[Optional(), Length(max=2000)])
    accepts_waste = SelectField(_l("Can you receive material that is legally waste?"), choices=[
        ("", _l("Not stated")), ("yes", _l("Yes: we hold a permit or registration")), ("no", _l("No"))])
    permitted_ewc_codes = StringField(_l("Waste codes our permit covers (comma-separated)"),
                                      validators=[Optional(), Length(max=2000)])
    codes_from_permits = BooleanField(_l("Follow our permits: match with the codes of our permits valid on the day"))
    quantity_t_per_year = NumberField(_l("Quantity wanted (t/a)"), minimum=0)
    min_quantity_t_per_year = NumberField(_l("Smallest useful quantity (t/a)"), minimum=0)
    max_distance_km = NumberField(_l("Longest transport distance (km)"), minimum=0)
    max_price_eur_per_t = NumberField(_l("Highest price (€/t)"))
    visibility = SelectField(_l("Visibility"), choices=_choices(("public", "anonymous", "brokered"),
                                                                VISIBILITY_LABELS))
    requirements = FieldList(FormField(RequirementRowForm), min_entries=0)
    # Contract 1.1 ``context``: where and under which rules the material is used. Blank: the
    # engine reads it from the title and description. Values outside the contract's are
    # refused by records.need_problems, naming the field.
    land_use = SelectField(CONTEXT_FIELD_LABELS["land_use"], validate_choice=False,
                           choices=_context_choices("land_use"))
    regime = SelectField(CONTEXT_FIELD_LABELS["regime"], validate_choice=False, choices=_context_choices("regime"))
    structure = SelectField(CONTEXT_FIELD_LABELS["structure"], validate_choice=False,
                            choices=_context_choices("structure"))
    structure_use = SelectField(CONTEXT_FIELD_LABELS["structure_use"], validate_choice=False,
                                choices=_context_choices("structure_use"))
    groundwater_area = SelectField(CONTEXT_FIELD_LABELS["groundwater_area"], validate_choice=False, choices=[
        ("", _l("Not stated: read from the text")), ("yes", _l("Yes")), ("no", _l("No"))])
    action = HiddenField()

    def context_record(self) -> dict:
        """The context fields chosen, as the contract's ``context`` (groundwater area as a
        boolean; any other answer is passed on for the record's check to name)."""
        context = {}
        for name in CONTEXT_CHOICES:
            value = getattr(self, name).data
            if value:
                context[name] = value
        answer = self.groundwater_area.data
        if answer:
            context["groundwater_area"] = {"yes": True, "no": False}.get(answer, answer)
        return context

    def to_record(self, location: dict) -> dict:
        record = {
            "id": "form", "title": self.title.data.strip(), "description": self.description.data or "",
            "application": self.application.data, "location": location,
            "visibility": self.visibility.data or "public",
            "requirements": [row.form.as_record() for row in self.requirements if not row.form.is_blank()],
        }
        if self.categories.data:
            record["categories"] = list(dict.fromkeys(self.categories.data))
        codes = split_codes(self.ewc_codes.data)
        if codes:
            record["ewc_codes"] = codes
        if self.accepts_waste.data:
            record["accepts_waste"] = self.accepts_waste.data == "yes"
        permitted = split_codes(self.permitted_ewc_codes.data)
        if permitted:
            record["permitted_ewc_codes"] = permitted
        context = self.context_record()
        if context:
            record["context"] = context
        for name in ("quantity_t_per_year", "min_quantity_t_per_year", "max_distance_km",
                     "max_price_eur_per_t"):
            number = getattr(self, name).number
            if number is not None:
                record[name] = number
        return record


def split_codes(text: str | None) -> list[str]:
    codes = []
    for part in (text or "").replace(";", ",").split(","):
        part = part.strip()
        if part:
            digits = part.replace(" ", "").rstrip("*")
            codes.append(normalise_ewc_code(part) + ("*" if part.endswith("*") else "")
                         if len(digits) == 6 and digits.isdigit() else part)
    return list(dict.fromkeys(codes))


class AttachmentForm(FlaskForm):
    kind = SelectField(_l("Kind"), choices=[
        ("lab_certificate", _l("Lab certificate")), ("safety_data_sheet", _l("Safety data sheet")),
        ("legal_evidence", _l("Evidence of the legal status")), ("other", _l("Other document"))])
    title = StringField(_l("Title (optional)"), validators=[Optional(), Length(max=200)])


class ImportForm(FlaskForm):
    pass
