"""Search in the users' own words: Finnish, Swedish and English, inflections, compounds,
typos and List of Waste codes, with each database's full-text search."""
import pytest
from werkzeug.datastructures import MultiDict

from marketplace.db import db
from marketplace.listings import fulltext
from marketplace.listings.search import parse_filters, search
from marketplace.models import MaterialNeed, SideStream


@pytest.fixture
def streams(make):
    org = make.organisation(name="Kuona Oy")
    return {
        "masuuni": make.stream(org, title="Masuunikuona Raahe", category="slag", ewc_code="10 02 02",
                               description="Granuloitua masuunikuonaa satamassa."),
        "english": make.stream(org, title="Air-cooled slag from the steel works", category="slag",
                               ewc_code="10 02 01", material_type="acbfs"),
        "ash": make.stream(org, title="Lentotuhka Oulu", category="ash", ewc_code="10 01 02"),
        "fecr": make.stream(org, title="FeCr slag Tornio", category="slag", ewc_code="10 02 02",
                            material_type="fecr_slag_lumpy"),
        "code_in_text": make.stream(org, title="Mixed fines", category="other", ewc_code="10 13 06",
                                    description="Was once sold as 10 02 02 by mistake."),
        "pulp": make.stream(org, title="Viherlipeäsakka Äänekoski", category="dregs", ewc_code="03 03 02"),
    }


def _find(q, cls=SideStream, user=None):
    page = search(cls, parse_filters(MultiDict({"q": q}), user), user)
    return [listing.title for listing in page.items]


@pytest.mark.parametrize("q, expected", [
    ("kuona", {"Masuunikuona Raahe", "Air-cooled slag from the steel works", "FeCr slag Tornio"}),
    ("kuonaa", {"Masuunikuona Raahe", "Air-cooled slag from the steel works", "FeCr slag Tornio"}),
    ("kuonat", {"Masuunikuona Raahe", "Air-cooled slag from the steel works", "FeCr slag Tornio"}),
    ("masuunikuona", {"Masuunikuona Raahe", "Air-cooled slag from the steel works"}),
    ("slag", {"Masuunikuona Raahe", "Air-cooled slag from the steel works", "FeCr slag Tornio"}),
    ("slagg", {"Masuunikuona Raahe", "Air-cooled slag from the steel works", "FeCr slag Tornio"}),
    ("tuhka", {"Lentotuhka Oulu"}),
    ("fly ash", {"Lentotuhka Oulu"}),
    ("ashes", {"Lentotuhka Oulu"}),
    ("ferrokromikuona", {"FeCr slag Tornio"}),
    ("dregs", {"Viherlipeäsakka Äänekoski"}),
])
def test_words_in_three_languages(ctx, streams, q, expected):
    assert set(_find(q)) == expected


def test_a_typo_still_finds(ctx, streams):
    assert "FeCr slag Tornio" in _find("ferokromikuona")
    assert "Masuunikuona Raahe" in _find("masuunikoona")


def test_a_finnish_word_finds_an_english_title_and_the_reverse(ctx, streams):
    # the catalogue's Finnish synonym of air-cooled blast-furnace slag
    found = _find("kuonamurske")
    assert "Air-cooled slag from the steel works" in found and "Masuunikuona Raahe" not in found
    assert "Masuunikuona Raahe" in _find("unprocessed slag")  # the code's List of Waste title


@pytest.mark.parametrize("q", ["10 02 02", "100202", "10 02 02*"])
def test_a_code_finds_its_entry_first(ctx, streams, q):
    titles = _find(q)
    assert set(titles[:2]) == {"Masuunikuona Raahe", "FeCr slag Tornio"}
    assert titles[2:] == ["Mixed fines"]  # it names the code in its description


def test_a_subchapter_finds_its_codes(ctx, streams):
    assert set(_find("10 02")) == {"Masuunikuona Raahe", "Air-cooled slag from the steel works",
                                   "FeCr slag Tornio", "Mixed fines"}


def test_every_word_must_be_found(ctx, streams):
    assert _find("kuona Raahe") == ["Masuunikuona Raahe"]
    assert _find("kuona Oulu") == []


def test_title_words_rank_first(ctx, streams):
    assert _find("kuona")[0] == "Masuunikuona Raahe"


def test_the_index_follows_every_write(ctx, make, streams):
    stream = db.session.get(SideStream, streams["pulp"].id)
    stream.title = "Kalkkiliete Kemi"
    db.session.flush()
    assert _find("kalkkiliete") == ["Kalkkiliete Kemi"]
    assert _find("Äänekoski") == []
    db.session.delete(stream)
    db.session.flush()
    assert _find("kalkkiliete") == []


def test_needs_are_found_by_their_application_in_finnish(ctx, make):
    org = make.organisation()
    make.need(org, title="Binder precursor", application="geopolymer_binder")
    assert _find("geopolymeerisideaine", MaterialNeed) == ["Binder precursor"]
    assert _find("geopolymer", MaterialNeed) == ["Binder precursor"]


def test_short_words_and_odd_characters(ctx, streams):
    assert _find("Cd") == []
    assert _find('"kuona" OR * NEAR(') is not None  # the database's query syntax is not the user's
    assert len(_find("%")) == 6  # no word: no filter


def test_the_owner_and_place_are_not_searchable(ctx, make):
    org = make.organisation(name="Salainen Kaivos Oy")
    make.stream(org, title="Hidden tailings", category="tailings", visibility="anonymous",
                place="Kittilän kaivos")
    assert _find("Salainen") == []
    assert _find("Kittilän") == []
    assert _find("rikastushiekka") == ["Hidden tailings"]


def test_the_page_searches_in_finnish(client, streams):
    response = client.get("/streams?q=kuona", headers={"Accept-Language": "fi"})
    assert response.status_code == 200
    assert "Masuunikuona Raahe" in response.text and "Air-cooled slag from the steel works" in response.text
    assert "Lentotuhka Oulu" not in response.text


def test_document_words():
    words = fulltext.stream_document({"title": "Kuona", "category": "slag", "ewc_code": "10 02 02",
                                      "material_type": "ggbs"})
    assert "slagg" in words and "100202" in words and "masuunihiekka" in words
    assert "slag from the processing of ore" in words.lower() or "unprocessed slag" in words.lower()



def _page(q, counted, cls=SideStream):
    return search(cls, parse_filters(MultiDict({"q": q}), None), None, counted=counted)


def test_a_bounded_search_counts_up_to_its_bound(ctx, streams):
    exact = _page("kuona", None)
    assert exact.total == 3 and exact.more_than is None
    bounded = _page("kuona", 2)
    assert (bounded.total, bounded.more_than, bounded.pages) == (2, 2, 1)
    assert len(bounded.items) == 2
    every = _page("kuona", 3)
    assert (every.total, every.more_than) == (3, None)
    assert [s.title for s in every.items] == [s.title for s in exact.items]


def test_the_bounded_slice_holds_the_best_ranked_hits(ctx, streams):
    # Three streams are slag, two of them with "slag" in their title: ranked over two hits
    # only, the page still shows those two, in the order of the exact ranking.
    exact = [s.title for s in _page("slag", None).items]
    assert set(exact[:2]) == {"Air-cooled slag from the steel works", "FeCr slag Tornio"}
    assert [s.title for s in _page("slag", 2).items] == exact[:2]
    # Ranked over one hit: one of the two (the first the index reads), not the third.
    assert _page("slag", 1).items[0].title in exact[:2]


def test_a_bounded_code_search_holds_the_code_first(ctx, streams):
    titles = [s.title for s in _page("100202", 1).items]
    assert titles and titles[0] in {"Masuunikuona Raahe", "FeCr slag Tornio"}
    assert set(s.title for s in _page("10 02 02", 2).items) == {"Masuunikuona Raahe", "FeCr slag Tornio"}


def test_the_page_says_more_than_its_bound(client, streams, monkeypatch):
    from marketplace.listings import views

    monkeypatch.setattr(views, "COUNTED", 2)
    response = client.get("/streams?q=kuona", headers={"Accept-Language": "en"})
    assert response.status_code == 200
    assert "More than 2 listings" in response.text
    assert response.text.count('class="listing-results"') == 1
    monkeypatch.setattr(views, "COUNTED", 3)
    assert "3 listings" in client.get("/streams?q=kuona", headers={"Accept-Language": "en"}).text


def test_a_bounded_search_pages_as_the_exact_one(ctx, streams):
    # Fewer hits than the bound: every page is the exact ranking's page.
    for q in ("kuona", "slag", "100202"):
        for number in (1, 2):
            f_exact = parse_filters(MultiDict({"q": q, "page": str(number)}), None)
            f_bounded = parse_filters(MultiDict({"q": q, "page": str(number)}), None)
            exact = search(SideStream, f_exact, None, page_size=2)
            bounded = search(SideStream, f_bounded, None, page_size=2, counted=1000)
            assert [s.id for s in bounded.items] == [s.id for s in exact.items], (q, number)
            assert (bounded.total, bounded.pages, bounded.page) == (exact.total, exact.pages, exact.page)
