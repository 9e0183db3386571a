"""Saved searches belong to their user; the stop link works for anyone holding it."""
from __future__ import annotations

from marketplace.db import db
from marketplace.models import SavedSearch
from tests.access import Rule, everyone, only, signed_in


def extend_world(world, make):
    with make.app.app_context():
        saved = SavedSearch(user_id=world.users["member_b"].id, kind="streams", name="Slag near Kemi",
                            query={"q": "slag"}, frequency="immediate")
        db.session.add(saved)
        db.session.commit()
        from marketplace.alerts.services import stop_token

        world.extra.update(saved_search=saved.id, stop_token=stop_token(saved))
        db.session.remove()


RULES = [
    Rule("alerts.index", lambda w: "/alerts/", expect=signed_in(200)),
    Rule("alerts.new", lambda w: "/alerts/new/streams?q=slag&category=slag", expect=signed_in(200)),
    Rule("alerts.new", lambda w: "/alerts/new/streams?q=slag", method="POST", data=lambda w: {"name": ""},
         expect=signed_in(400)),
    Rule("alerts.edit", lambda w: f"/alerts/{w.saved_search}", method="POST",
         data=lambda w: {f"s{w.saved_search}-name": "", f"s{w.saved_search}-frequency": "daily"},
         expect=only({"member_b"}, 400, others=404)),
    Rule("alerts.stop", lambda w: f"/alerts/stop/{w.stop_token}", expect=everyone(200)),
    # The link in the mail is the key: whoever holds it stops the alert.
    Rule("alerts.stop", lambda w: f"/alerts/stop/{w.stop_token}", method="POST", expect=everyone(200)),
    Rule("alerts.delete", lambda w: f"/alerts/{w.saved_search}/delete", method="POST",
         expect=only({"member_b"}, 302, others=404)),
]
