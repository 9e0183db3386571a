"""Who may use the routes of listings (side streams, needs, import, export) and attachments."""
import hashlib
import io
from pathlib import Path

from tests.access import BROKERS, OWNERS_A, Rule, everyone, only, signed_in

PDF = b"%PDF-1.4\n% access matrix\n%%EOF\n"
WITH_ORGANISATION = OWNERS_A | {"member_b", "unverified"}
SHOWN_DETAILS = OWNERS_A | BROKERS | {"member_b"}


def extend_world(world, make):
    from marketplace.models import Attachment, ImportJob

    world.extra["stream_to_copy"] = make.stream(world.org_a, title="Slag to duplicate", values={"CaO": 40.0})
    world.extra["need_to_copy"] = make.need(world.org_a, title="Need to duplicate")
    world.extra["import_job"] = make._save(ImportJob(
        user_id=world.users["member_a"].id, filename="streams.csv", state="done", total=1, done=1,
        report={"created": {"side_streams": 1, "needs": 0}, "updated": {"side_streams": 0, "needs": 0},
                "records": 1, "written": True, "problems": []}))
    digest = hashlib.sha256(PDF).hexdigest()
    path = Path(make.app.config["UPLOAD_DIR"]) / digest[:2] / digest[2:4] / digest
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(PDF)
    for name in ("attachment", "attachment_to_delete"):
        world.extra[name] = make._save(Attachment(
            sha256=digest, filename="certificate.pdf", content_type="application/pdf", size_bytes=len(PDF),
            kind="lab_certificate", side_stream_id=world.stream_public.id,
            uploaded_by_id=world.users["member_a"].id))


def _not_brokered(status_for_others: int) -> dict:
    expect = everyone(status_for_others)
    expect.update({v: 200 for v in OWNERS_A | BROKERS})
    return expect


_job_expect = only(OWNERS_A - {"org_admin_a"} | {"admin"}, 200, others=404)

RULES = [
    # browse, map, exports
    Rule("listings.stream_list", lambda w: "/streams?prop=CaO&min=1", expect=everyone(200)),
    Rule("listings.need_list", lambda w: "/needs", expect=everyone(200)),
    Rule("listings.stream_map", lambda w: "/streams/map", expect=everyone(200)),
    Rule("listings.need_map", lambda w: "/needs/map", expect=everyone(200)),
    Rule("listings.stream_geojson", lambda w: "/streams/map.geojson", expect=everyone(200)),
    Rule("listings.need_geojson", lambda w: "/needs/map.geojson", expect=everyone(200)),
    Rule("listings.stream_export", lambda w: "/streams/export.csv", expect=everyone(200)),
    Rule("listings.need_export", lambda w: "/needs/export.json", expect=everyone(200)),
    Rule("listings.mine", lambda w: "/listings/mine", expect=signed_in(200)),
    # detail pages: a brokered listing exists only for its owners and the brokers; a hidden
    # listing's database id names it to them only, its reference to whoever may see it
    Rule("listings.stream_detail", lambda w: f"/streams/{w.stream_public.id}", expect=everyone(200)),
    Rule("listings.stream_detail", lambda w: f"/streams/{w.ref_stream_anonymous}", expect=everyone(200)),
    Rule("listings.stream_detail", lambda w: f"/streams/{w.stream_anonymous.id}", expect=_not_brokered(404)),
    Rule("listings.stream_detail", lambda w: f"/streams/{w.stream_brokered.id}", expect=_not_brokered(404)),
    Rule("listings.stream_detail", lambda w: f"/streams/{w.ref_stream_brokered}", expect=_not_brokered(404)),
    Rule("listings.need_detail", lambda w: f"/needs/{w.need_public.id}", expect=everyone(200)),
    # forms: members of an organisation create; only the owner's members edit
    Rule("listings.stream_new", lambda w: "/streams/new", expect=only(WITH_ORGANISATION, 200)),
    Rule("listings.need_new", lambda w: "/needs/new", expect=only(WITH_ORGANISATION, 200)),
    Rule("listings.stream_edit", lambda w: f"/streams/{w.stream_public.id}/edit", expect=only(OWNERS_A, 200)),
    Rule("listings.stream_edit", lambda w: f"/streams/{w.stream_brokered.id}/edit",
         expect={**only(OWNERS_A, 200, others=404), "broker": 403, "admin": 403}),
    Rule("listings.need_edit", lambda w: f"/needs/{w.need_public.id}/edit", expect=only(OWNERS_A, 200)),
    # The POST halves, with a title missing: those who may are told so (400), nothing is written.
    Rule("listings.stream_new", lambda w: "/streams/new", method="POST", data=lambda w: {"title": ""},
         expect=only(WITH_ORGANISATION, 400)),
    Rule("listings.need_new", lambda w: "/needs/new", method="POST", data=lambda w: {"title": ""},
         expect=only(WITH_ORGANISATION, 400)),
    Rule("listings.stream_edit", lambda w: f"/streams/{w.stream_public.id}/edit", method="POST",
         data=lambda w: {"title": ""}, expect=only(OWNERS_A, 400)),
    Rule("listings.stream_edit", lambda w: f"/streams/{w.stream_brokered.id}/edit", method="POST",
         data=lambda w: {"title": ""}, expect={**only(OWNERS_A, 400, others=404), "broker": 403, "admin": 403}),
    Rule("listings.need_edit", lambda w: f"/needs/{w.need_public.id}/edit", method="POST",
         data=lambda w: {"title": ""}, expect=only(OWNERS_A, 400)),
    Rule("listings.stream_action", lambda w: f"/streams/{w.stream_to_copy.id}/duplicate", method="POST",
         expect=only(OWNERS_A, 302)),
    Rule("listings.need_action", lambda w: f"/needs/{w.need_to_copy.id}/duplicate", method="POST",
         expect=only(OWNERS_A, 302)),
    # helpers of the forms
    Rule("listings.waste_codes", lambda w: "/listings/waste-codes.json?q=kuona", expect=everyone(200)),
    Rule("listings.places", lambda w: "/listings/places.json?q=kemi", expect=everyone(200)),
    Rule("listings.material_reading_json", lambda w: "/listings/material-reading.json?title=Masuunikuona&category=slag",
         expect=everyone(200)),
    Rule("listings.application_requirements", lambda w: "/listings/applications/fertiliser.json",
         expect=everyone(200)),
    # import
    Rule("listings.import_upload", lambda w: "/listings/import",
         expect=only(WITH_ORGANISATION | BROKERS, 200)),
    Rule("listings.import_upload", lambda w: "/listings/import", method="POST",
         expect=only(WITH_ORGANISATION | BROKERS, 400), note="no file"),
    Rule("listings.import_status", lambda w: f"/listings/import/{w.import_job.id}", expect=_job_expect),
    Rule("listings.import_progress", lambda w: f"/listings/import/{w.import_job.id}.json", expect=_job_expect),
    Rule("listings.import_template", lambda w: "/listings/import/template-needs.xlsx", expect=everyone(200)),
    # attachments: read by those shown the details, changed by the owner's members
    Rule("attachments.download", lambda w: f"/attachments/{w.attachment.id}",
         expect={**everyone(404), **{v: 200 for v in SHOWN_DETAILS}}),
    Rule("attachments.upload", lambda w: f"/streams/{w.stream_public.id}/attachments", method="POST",
         data=lambda w: {"file": (io.BytesIO(PDF), "sds.pdf"), "kind": "safety_data_sheet"},
         expect=only(OWNERS_A, 302)),
    Rule("attachments.delete", lambda w: f"/attachments/{w.attachment_to_delete.id}/delete", method="POST",
         expect={**only(OWNERS_A, 302), "unverified": 404}),
]
