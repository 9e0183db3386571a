"""Service requests: what the provider sees of the stream, the thread, and the results
written back to the stream."""
from __future__ import annotations

import io

import pytest
import sqlalchemy as sa

from marketplace import redaction
from marketplace.db import db
from marketplace.models import MeasuredValue, OutboxMessage, ServiceRequest
from tests.providers.conftest import STREAM_AT


@pytest.fixture
def setting(make, labs):
    owner_org = make.organisation(name="Salainen Kuonantuottaja Oy")
    owner = make.user(owner_org, language="en")
    stream = make.stream(owner_org, title="Kuona K-7", visibility="anonymous", lat=STREAM_AT[0], lon=STREAM_AT[1],
                         values={"SiO2": 31.5, "CaO": 41.2})
    lab_user = make.user(labs["orgs"]["near"], language="en")
    make.user(None, role="broker", email="broker.one@example.fi")
    return {"owner": owner, "stream": stream, "lab_user": lab_user, "service": labs["near"].services[0]}


def send(client, auth, s, **fields):
    auth.login(s["owner"].email)
    data = {"stream": s["stream"].id, "keys": "leach:Mo, leach:Cr", "body": "Tarvitsemme liukoisuustestin.",
            "share_title": "y", **fields}
    data = {k: v for k, v in data.items() if v is not None}
    response = client.post(f"/providers/services/{s['service'].id}/request", data=data,
                           content_type="multipart/form-data")
    assert response.status_code == 302, response.get_data(as_text=True)
    auth.logout()
    return int(response.headers["Location"].rstrip("/").rsplit("/", 1)[-1])


def test_the_provider_never_sees_the_organisation_or_place_of_an_anonymous_stream(client, auth, app, setting):
    request_id = send(client, auth, setting, share_title=None)  # title not shared
    auth.login(setting["lab_user"].email)
    page = client.get(f"/providers/requests/{request_id}").get_data(as_text=True)
    assert "Salainen Kuonantuottaja Oy" not in page
    assert "Kuona K-7" not in page
    assert "65.78," not in page and "24.17" not in page  # the exact place
    stream = setting["stream"]
    assert f"{stream.approx_lat}, {stream.approx_lon}" in page  # the approximate one
    assert "31.5" not in page and "31,5" not in page  # values not shared
    assert "leach:Mo" in page
    with app.app_context():
        mails = db.session.scalars(sa.select(OutboxMessage).where(
            OutboxMessage.recipient == setting["lab_user"].email)).all()
        assert mails and all("Salainen" not in m.body and "Kuona K-7" not in m.body for m in mails)
        # One broker is copied until one takes the thread: every broker hears of a new request.
        assert db.session.scalar(sa.select(sa.func.count()).select_from(OutboxMessage)
                                 .where(OutboxMessage.recipient == "broker.one@example.fi")) == 1


def test_shared_title_and_values_are_shown_to_the_provider(client, auth, setting):
    request_id = send(client, auth, setting, share_values="y")
    auth.login(setting["lab_user"].email)
    page = client.get(f"/providers/requests/{request_id}").get_data(as_text=True)
    assert "Kuona K-7" in page
    assert "31.5" in page or "31,5" in page
    assert "Salainen Kuonantuottaja Oy" not in page


def test_the_owner_can_write_and_attach_a_file(client, auth, app, setting):
    request_id = send(client, auth, setting)
    auth.login(setting["owner"].email)
    response = client.post(f"/providers/requests/{request_id}/messages",
                           data={"body": "Näyte lähtee maanantaina.",
                                 "files": (io.BytesIO(b"%PDF-1.4 sample"), "naytelahete.pdf")},
                           content_type="multipart/form-data")
    assert response.status_code == 302
    bad = client.post(f"/providers/requests/{request_id}/messages",
                      data={"body": "exe", "files": (io.BytesIO(b"MZ\x90\x00"), "virus.exe")},
                      content_type="multipart/form-data")
    assert bad.status_code == 400
    auth.logout()
    auth.login(setting["lab_user"].email)
    page = client.get(f"/providers/requests/{request_id}").get_data(as_text=True)
    # the stream is anonymous: the laboratory gets the file under a neutral name
    assert "document-" in page and "naytelahete.pdf" not in page and "virus.exe" not in page


@pytest.mark.parametrize("row, message", [
    ({"key": "leach:Moo", "value": "1"}, "Unknown property leach:Moo"),
    ({"key": "leach:Mo", "value": "paljon"}, "Enter numbers"),
    ({"key": "leach:Mo", "value": "-1"}, "cannot be negative"),
    ({"key": "CaO", "value": "140"}, "between 0 and 100"),
    ({"key": "leach:Mo", "value": "1", "unit": "kg"}, "does not fit"),
    ({"key": "", "value": ""}, "Give at least one measured value."),
])
def test_bad_results_are_refused(client, auth, setting, row, message):
    request_id = send(client, auth, setting)
    auth.login(setting["lab_user"].email)
    response = client.post(f"/providers/requests/{request_id}/results", data={"unit": "", **row})
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)


def test_results_are_written_to_the_stream_with_their_source(client, auth, app, setting):
    request_id = send(client, auth, setting)
    auth.login(setting["owner"].email)
    assert client.post(f"/providers/requests/{request_id}/results",
                       data={"key": "leach:Mo", "value": "0,4", "unit": ""}).status_code == 403
    auth.logout()
    auth.login(setting["lab_user"].email)
    response = client.post(f"/providers/requests/{request_id}/results",
                           data={"key": ["leach:Mo", "leach:Cr"], "value": ["0,4", "0.02"], "unit": ["", "mg/kg"]})
    assert response.status_code == 302
    with app.app_context():
        values = {v.property: v for v in db.session.scalars(
            sa.select(MeasuredValue).where(MeasuredValue.side_stream_id == setting["stream"].id))}
        assert values["leach:Mo"].value == pytest.approx(0.4)
        assert values["leach:Mo"].service_request_id == request_id
        assert values["SiO2"].service_request_id is None
        request = db.session.get(ServiceRequest, request_id)
        assert request.state == "answered" and request.answered_at is not None


def test_only_the_owner_or_a_broker_sends_a_request(app, client, auth, make, setting):
    stranger = make.user(make.organisation())
    auth.login(stranger.email)
    with app.app_context():
        ref = redaction.public_ref(setting["stream"])
    response = client.get(f"/providers/services/{setting['service'].id}/request?stream={ref}")
    assert response.status_code == 403
    # the anonymous stream's database id names nothing to the stranger
    response = client.get(f"/providers/services/{setting['service'].id}/request?stream={setting['stream'].id}")
    assert response.status_code == 404
