"""The site, its mail and its API errors read in Swedish: by the browser's Accept-Language,
by the language switch and by the user's own choice."""
from tests.auth.helpers import mails

SV = {"Accept-Language": "sv-FI,sv;q=0.9"}


def test_front_page_follows_a_swedish_browser(client):
    response = client.get("/", headers=SV)
    assert 'lang="sv"' in response.text
    assert "Nordens sidoströmmar tas till vara" in response.text
    assert "Side streams of the north" not in response.text


def test_the_switch_offers_swedish_and_remembers_it(client):
    page = client.get("/", headers={"Accept-Language": "fi"}).text
    assert 'value="sv" lang="sv">På svenska</button>' in page
    response = client.post("/language", data={"language": "sv", "next": "/"})
    assert response.status_code == 302
    page = client.get("/").text
    assert 'lang="sv"' in page
    assert ">Suomeksi</button>" in page and ">In English</button>" in page
    assert ">På svenska</button>" not in page


def test_not_found_page_in_swedish(client):
    response = client.get("/no-such-page", headers=SV)
    assert response.status_code == 404
    assert "Hittades inte" in response.text


def test_api_error_in_swedish(client):
    response = client.get("/api/v1/side-streams/987654", headers={**SV, "Accept": "application/json"})
    assert response.status_code == 404
    assert response.mimetype == "application/problem+json"
    assert response.json["title"] == "Hittades inte"
    assert response.json["detail"] == "Ingen sådan annons, eller så visas den inte för dig."
    write = client.post("/api/v1/side-streams", data="{}", headers={**SV, "Content-Type": "application/json"})
    assert write.status_code == 401
    assert write.json["title"] == "Autentisering krävs"


def test_mail_in_the_users_swedish(app, client, make):
    user = make.user(make.organisation(name="Torneå Slagg Ab"), email="anna@example.se", language="sv")
    client.post("/auth/reset", data={"email": user.email})
    mail = mails(app, user.email)[-1]
    assert mail.subject == "Återställ ditt lösenord för Sivuvirta"
    assert "Välj ett nytt lösenord för Sivuvirta genom att öppna denna länk:" in mail.body
    assert "Set a new password" not in mail.body


def test_a_user_can_choose_swedish(client, make, auth):
    user = make.user(make.organisation(name="Haparanda Aska Ab"), email="erik@example.se", language="en")
    auth.login(user.email)
    page = client.get("/auth/account").text
    assert '<option value="sv">svenska</option>' in page


def test_the_list_of_waste_in_swedish(client):
    entry = client.get("/api/v1/waste-codes/100202", headers=SV).get_json()
    assert entry["title"] == "Obearbetad slagg"
    assert entry["title_sv"] == "Obearbetad slagg" and entry["title_en"] == "unprocessed slag"
    found = client.get("/api/v1/waste-codes?q=anrikningssand", headers=SV).get_json()
    assert "01 03 06" in [item["code"] for item in found["items"]]
    picker = client.get("/listings/waste-codes.json?q=flygaska", headers=SV)
    assert picker.status_code == 200
    assert "Flygaska från kolförbränning" in [row["title"] for row in picker.get_json()]


def test_service_vocabulary_in_swedish():
    from marketplace.providers import vocabulary

    assert vocabulary.kind_name("analysis_leaching", "sv") == "Laktest (L/S 10)"
    assert vocabulary.provider_kind_name("haulier", "sv") == "Åkeri"
    assert vocabulary.group_name("analysis", "sv") == "Analyser"
    assert vocabulary.theme_name("industrial_circular_economy", "sv") == "Industriell cirkulär ekonomi"
    assert vocabulary.kind_name("analysis_leaching", "fi") == "Liukoisuustesti (L/S 10)"
    assert vocabulary.kind_name("analysis_leaching", "en") == "Leaching test (L/S 10)"
