"""Access rules of the cluster's page and the brokers' self-evaluation."""
from __future__ import annotations

import hashlib
from pathlib import Path

from marketplace.db import db
from marketplace.models import ClusterProfile
from tests.access import BROKERS, Rule, everyone, only

PDF = b"%PDF-1.4 cluster strategy"


def extend_world(world, make):
    sha = hashlib.sha256(PDF).hexdigest()
    folder = Path(make.app.config["UPLOAD_DIR"]) / sha[:2] / sha[2:4]
    folder.mkdir(parents=True, exist_ok=True)
    (folder / sha).write_bytes(PDF)
    with make.app.app_context():
        db.session.add(ClusterProfile(name_fi="Klusteri", name_en="Cluster", text_fi="Teksti", text_en="Text",
                                      director_name="Aino", strategy_sha256=sha, strategy_filename="strategia.pdf",
                                      strategy_content_type="application/pdf"))
        db.session.commit()
        db.session.remove()


RULES = [
    Rule("cluster.index", lambda w: "/cluster/", expect=everyone(200)),
    Rule("cluster.strategy", lambda w: "/cluster/strategy", expect=everyone(200)),
    Rule("cluster.edit", lambda w: "/cluster/edit", expect=only(BROKERS, 200)),
    Rule("cluster.edit", lambda w: "/cluster/edit", method="POST", data=lambda w: {"name_fi": "x" * 201},
         expect=only(BROKERS, 400)),
    Rule("cluster.evaluation_index", lambda w: "/cluster/evaluation", expect=only(BROKERS, 302)),
    Rule("cluster.evaluation", lambda w: "/cluster/evaluation/2026", expect=only(BROKERS, 200)),
    Rule("cluster.evaluation", lambda w: "/cluster/evaluation/2026", method="POST",
         data=lambda w: {"evaluated_on": "2026-01-20", "note": "Hyvä vuosi."}, expect=only(BROKERS, 302)),
]
