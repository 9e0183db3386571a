"""Cluster activities: signed-in visitors see them, brokers offer them, members of verified
organisations sign up."""
from __future__ import annotations

from datetime import timedelta

from marketplace.db import db
from marketplace.models import Activity
from marketplace.models.base import utcnow
from tests.access import BROKERS, OWNERS_A, Rule, only, signed_in

MEMBERS = OWNERS_A | {"member_b"}


def extend_world(world, make):
    with make.app.app_context():
        activity = Activity(title_fi="Kiertotalouspäivä", title_en="Circular economy day", kind="event",
                            starts_on=(utcnow() + timedelta(days=30)).date(), place="Rovaniemi")
        db.session.add(activity)
        db.session.commit()
        world.extra["activity"] = activity.id
        db.session.remove()


RULES = [
    Rule("activities.index", lambda w: "/activities/", expect=signed_in(200)),
    Rule("activities.new", lambda w: "/activities/new", expect=only(BROKERS, 200)),
    # Posted without a title: the brokers are told what is missing (400), nothing changes.
    Rule("activities.new", lambda w: "/activities/new", method="POST", expect=only(BROKERS, 400)),
    Rule("activities.edit", lambda w: f"/activities/{w.activity}/edit", expect=only(BROKERS, 200)),
    Rule("activities.edit", lambda w: f"/activities/{w.activity}/edit", method="POST",
         data=lambda w: {"title_fi": ""}, expect=only(BROKERS, 400)),
    Rule("activities.detail", lambda w: f"/activities/{w.activity}", expect=signed_in(200)),
    Rule("activities.sign_up", lambda w: f"/activities/{w.activity}/signup", method="POST",
         expect=only(MEMBERS, 302)),
    Rule("activities.cancel", lambda w: f"/activities/{w.activity}/cancel", method="POST",
         expect=only(MEMBERS, 302)),
]
