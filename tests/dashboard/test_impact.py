"""Impact sums on a known data set."""
from datetime import date, datetime

import pytest
from openpyxl import load_workbook

from marketplace.dashboard import impact
from marketplace.db import db
from marketplace.models import Deal, DealEvent, Delivery
from tests import report_files
from tests.deals.story import login, open_deal


def _deal(app, deal_id):
    return db.session.get(Deal, deal_id)


@pytest.fixture
def known(app, story):
    """Deal 1: cement SCM from waste slag, 150 t delivered (100 t in March, 50 t in April
    2026) at 5 EUR/t, haulage 12 kg CO2/t. Deal 2: a geopolymer deal without deliveries,
    365.25 t a year, delivering from 1 to 11 January 2026 (10 days), 20 EUR/t."""
    first = open_deal(app, story, price_eur_per_t=5.0)
    with app.app_context():
        deal = _deal(app, first)
        deal.application = "cement_scm"
        deal.state = "delivering"
        deal.deliveries.extend([
            Delivery(delivered_on=date(2026, 3, 10), tonnes=100.0),
            Delivery(delivered_on=date(2026, 4, 2), tonnes=50.0),
        ])
        second = Deal(
            side_stream_id=None, need_id=None, supplier_id=deal.supplier_id, buyer_id=deal.buyer_id,
            state="completed", tonnes_per_year=365.25, price_eur_per_t=20.0, title="Ash to binder",
            category="ash", application="geopolymer_binder", place="Kemi", was_waste=False,
            transport_co2_kg_per_t=30.0,
        )
        second.events.extend([
            DealEvent(from_state="agreed", to_state="delivering", created_at=datetime(2026, 1, 1, 8)),
            DealEvent(from_state="delivering", to_state="completed", created_at=datetime(2026, 1, 11, 8)),
        ])
        db.session.add(second)
        db.session.commit()
        ids = (first, second.id)
        db.session.remove()
    return ids


def test_per_deal_and_total(app, known):
    with app.app_context():
        impacts = {i.deal.id: i for i in impact.all_impacts(db.session, today=date(2026, 6, 1))}
        one, two = impacts[known[0]], impacts[known[1]]
        assert one.from_deliveries and one.tonnes == 150
        assert one.months == {"2026-03": 100, "2026-04": 50}
        # Clinker 850 kg/t x 1.0 - haulage 12 kg/t = 838 kg/t.
        assert one.co2_t() == pytest.approx(150 * 838 / 1000)
        assert one.trade_eur() == 750
        assert one.landfill_tax_eur() == 150 * 80  # waste slag, taxable
        assert not two.from_deliveries and two.tonnes == pytest.approx(10.0)
        assert two.months == pytest.approx({"2026-01": 10.0})
        # Clinker 850 x 0.7 - 30 = 565 kg/t; no landfill tax (not waste).
        assert two.co2_t() == pytest.approx(10 * 565 / 1000)
        assert two.value_eur() == pytest.approx(200.0)

        summary = impact.summarise(list(impacts.values()))
        assert summary.total.tonnes == pytest.approx(160)
        assert summary.total.co2_t == pytest.approx(125.7 + 5.65)
        assert summary.total.value_eur == pytest.approx(750 + 12000 + 200)
        assert summary.by_material["slag"].tonnes == 150 and summary.by_material["ash"].tonnes == pytest.approx(10)
        assert list(summary.by_month) == ["2026-01", "2026-03", "2026-04"]
        assert summary.by_municipality["Tornio"].tonnes == 150

        year = impact.summarise(list(impacts.values()), 2025)
        assert year.total.tonnes == 0 and year.impacts == []
        db.session.remove()


def test_pro_rata_spreads_over_months():
    months = impact._spread(date(2026, 1, 21), date(2026, 2, 11), 365.25)
    assert months == pytest.approx({"2026-01": 11.0, "2026-02": 10.0})


def test_tailings_and_hazardous_waste_avoid_no_tax():
    deal = Deal(was_waste=True, hazardous=False, category="tailings")
    assert not impact.landfill_tax_applies(deal)
    deal = Deal(was_waste=True, hazardous=True, category="slag")
    assert not impact.landfill_tax_applies(deal)
    deal = Deal(was_waste=True, hazardous=False, category="ash")
    assert impact.landfill_tax_applies(deal)


def test_impact_pages_and_exports(app, story, known):
    broker = login(app, story.broker)
    page = broker.get("/dashboard/impact")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert 'data-charts="' in html and "impact-charts.js" in html and "<script>" not in html
    csv_text = report_files.fetch(broker, "impact", "csv", 2026).get_data(as_text=True)
    assert "Ferrochrome slag" in csv_text and "150.0" in csv_text
    xlsx = report_files.fetch(broker, "impact", "xlsx")
    assert xlsx.headers["Content-Disposition"] == 'attachment; filename="sivuvirta-impact.xlsx"'
    import io

    book = load_workbook(io.BytesIO(xlsx.data))
    rows = list(book.worksheets[0].values)
    assert len(rows) == 3 and rows[1][8] + rows[2][8] == pytest.approx(160)
    report = broker.get("/dashboard/impact/report/2026")
    assert report.status_code == 200 and "160" in report.get_data(as_text=True)
    assert broker.get("/dashboard/impact?year=soon").status_code == 400


def test_a_completed_deal_is_not_counted_as_delivering_now(app, known):
    """Both deals delivered tonnes; only the first is still in delivery."""
    with app.app_context():
        summary = impact.summarise(impact.all_impacts(db.session, today=date(2026, 6, 1)))
        assert (summary.total.deals, summary.total.delivering_now) == (2, 1)
        db.session.remove()
