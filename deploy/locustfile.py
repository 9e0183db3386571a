"""The load of `make prod-check`: people using the site as they do, mixed by how many of
each there are (visitors most, a broker rarely).

Run by deploy/prod_check.py against the site it fills (bench_site.build: its seller,
buyer and broker accounts, an API token in SIVUVIRTA_LOAD_TOKEN). Every user sends its own
X-Forwarded-For, as clients behind the reverse proxy do (the site trusts one proxy), so
that each has its own rate limits. Each write the site acknowledged (a redirect after a
form, 201 from the API) is written to SIVUVIRTA_LOAD_ACKED (one JSON object a line), and
each failure with its time and body to SIVUVIRTA_LOAD_FAILURES, for the checks afterwards.
"""
from __future__ import annotations

import itertools
import json
import os
import random
import re
import time
import uuid

from locust import HttpUser, between, events, task
from proxy_cookies import send_secure_cookies

PASSWORD = os.environ.get("SIVUVIRTA_LOAD_PASSWORD", "")
TOWNS = ["Kemi", "Tornio", "Oulu", "Rovaniemi", "Kemijärvi", "Kittilä", "Raahe", "Sodankylä"]
CATEGORIES = ["slag", "ash", "tailings", "dregs", "gypsum", "sludge"]
STREAMS = int(os.environ.get("SIVUVIRTA_LOAD_STREAMS", "20000"))
NEEDS = int(os.environ.get("SIVUVIRTA_LOAD_NEEDS", "5000"))
TOKEN = os.environ.get("SIVUVIRTA_LOAD_TOKEN", "")
CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')
SELLER_STREAMS = [int(i) for i in os.environ.get("SIVUVIRTA_LOAD_SELLER_STREAMS", "1").split(",")]
BUYER_NEEDS = [int(i) for i in os.environ.get("SIVUVIRTA_LOAD_BUYER_NEEDS", "1").split(",")]
_addresses = itertools.count(1)
_acked = open(os.environ.get("SIVUVIRTA_LOAD_ACKED", "/tmp/sivuvirta-acked.jsonl"), "a", buffering=1)
_failures = open(os.environ.get("SIVUVIRTA_LOAD_FAILURES", "/tmp/sivuvirta-failures.jsonl"), "a", buffering=1)


@events.request.add_listener
def keep_failure(request_type, name, response_time, response_length, response=None, exception=None, **_):
    if exception is None:
        return
    body = ""
    if response is not None and response.content:
        body = response.text[:3000]
    _failures.write(json.dumps({
        "time": time.time(), "name": name, "method": request_type,
        "status": getattr(response, "status_code", None), "error": str(exception)[:300],
        "content_type": response.headers.get("Content-Type", "") if response is not None else "",
        "traceback": "Traceback (most recent call last)" in body, "body": body[:400],
    }) + "\n")


def acknowledged(kind: str, title: str) -> None:
    _acked.write(json.dumps({"kind": kind, "title": title, "time": time.time()}) + "\n")


class Person(HttpUser):
    abstract = True
    wait_time = between(1, 4)

    def on_start(self):
        number = next(_addresses)
        self.client.headers["X-Forwarded-For"] = f"10.{number // 65536 % 256}.{number // 256 % 256}.{number % 256}"
        self.client.headers["Accept-Language"] = random.choice(["fi", "en"])
        send_secure_cookies(self.client)

    def csrf(self, page: str) -> str | None:
        response = self.client.get(page, name=page.split("?")[0])
        found = CSRF.search(response.text)
        return found.group(1) if found else None

    def sign_in(self, email: str) -> None:
        token = self.csrf("/auth/login")
        self.client.post("/auth/login", data={"email": email, "password": PASSWORD, "csrf_token": token},
                         allow_redirects=False, name="sign in")

    def listing(self, kind: str) -> None:
        top = STREAMS if kind == "streams" else NEEDS
        with self.client.get(f"/{kind}/{random.randint(1, top)}", name=f"/{kind}/[id]", catch_response=True) as r:
            if r.status_code == 404:  # a listing closed by the load itself
                r.success()


class Visitor(Person):
    weight = 10

    @task(4)
    def search(self):
        town = random.choice(TOWNS)
        category = random.choice(CATEGORIES)
        self.client.get(f"/streams?near={town}&km=150&category={category}", name="/streams?near&category")

    @task(2)
    def search_words(self):
        self.client.get(f"/streams?q={random.choice(['slag', 'ash', 'kuona', 'tuhka', 'gypsum'])}",
                        name="/streams?q")

    @task(4)
    def open_listing(self):
        self.listing(random.choice(["streams", "needs"]))

    @task(2)
    def map_data(self):
        self.client.get("/streams/map.geojson?bbox=20.0,64.5,30.0,69.5", name="/streams/map.geojson")

    @task(1)
    def front_page(self):
        self.client.get("/", name="/")


class Seller(Person):
    weight = 4

    def on_start(self):
        super().on_start()
        self.sign_in("seller@example.fi")

    @task(3)
    def own_listings(self):
        self.client.get("/listings/mine", name="/listings/mine")

    @task(2)
    def matches_of_a_stream(self):
        self.client.get(f"/streams/{random.choice(SELLER_STREAMS)}", name="/streams/[own id]")

    @task(1)
    def save_a_stream(self):
        token = self.csrf("/streams/new")
        title = f"Load test slag {uuid.uuid4().hex[:12]}"
        response = self.client.post("/streams/new", allow_redirects=False, name="save a stream (form)", data={
            "csrf_token": token, "title": title, "description": "", "category": "slag", "ewc_code": "10 02 02",
            "industry": "", "legal_status": "by_product", "quantity_t_per_year": "20000", "lot_t": "",
            "availability": "continuous", "available_from": "", "available_until": "", "price_eur_per_t": "",
            "visibility": "public", "site_id": "", "place": "Tornio", "lat": "65.78", "lon": "24.17",
            "values-0-property": "CaO", "values-0-value": "41", "values-0-unit": "",
            "values-1-property": "SiO2", "values-1-value": "33", "values-1-unit": "",
            "paste": "", "action": "publish"})
        if response.status_code == 302:
            acknowledged("side_stream", title)


class Buyer(Person):
    weight = 3

    def on_start(self):
        super().on_start()
        self.sign_in("buyer@example.fi")

    @task(3)
    def read_matches(self):
        self.client.get(f"/matches/needs/{random.choice(BUYER_NEEDS)}", name="/matches/needs/[own id]")

    @task(1)
    def save_a_need(self):
        token = self.csrf("/needs/new")
        title = f"Load test binder need {uuid.uuid4().hex[:12]}"
        response = self.client.post("/needs/new", allow_redirects=False, name="save a need (form)", data={
            "csrf_token": token, "title": title, "description": "", "application": "geopolymer_binder",
            "ewc_codes": "", "accepts_waste": "yes", "permitted_ewc_codes": "10 01 02",
            "quantity_t_per_year": "5000", "min_quantity_t_per_year": "", "max_distance_km": "200",
            "max_price_eur_per_t": "", "visibility": "public", "site_id": "", "place": "Kemi", "lat": "", "lon": "",
            "requirements-0-property": "SiO2+Al2O3", "requirements-0-per": "", "requirements-0-min": "50",
            "requirements-0-max": "", "requirements-0-note": "", "action": "publish"})
        if response.status_code == 302:
            acknowledged("material_need", title)

    @task(1)
    def browse_streams(self):
        self.client.get(f"/streams?near={random.choice(TOWNS)}&km=200", name="/streams?near")


class Broker(Person):
    weight = 1

    def on_start(self):
        super().on_start()
        self.sign_in("broker@example.fi")

    @task(3)
    def dashboard(self):
        self.client.get("/dashboard/", name="/dashboard/")

    @task(2)
    def deals(self):
        self.client.get("/deals/", name="/deals/")

    @task(1)
    def need_matches(self):
        self.client.get(f"/matches/needs/{random.randint(1, NEEDS)}", name="/matches/needs/[id]")


class ApiClient(Person):
    weight = 2

    def on_start(self):
        super().on_start()
        self.client.headers["Authorization"] = f"Bearer {TOKEN}"

    @task(4)
    def search(self):
        self.client.get(f"/api/v1/side-streams?near={random.choice(TOWNS)}&radius_km=150&prop=CaO:20:",
                        name="/api/v1/side-streams?near&prop")

    @task(2)
    def matches(self):
        self.client.get(f"/api/v1/side-streams/{random.choice(SELLER_STREAMS)}/matches",
                        name="/api/v1/side-streams/[own id]/matches")

    @task(1)
    def create(self):
        title = f"Load test ash {uuid.uuid4().hex[:12]}"
        response = self.client.post("/api/v1/side-streams", name="create a stream (API)", json={
            "id": title[-12:], "title": title, "category": "ash", "ewc_code": "10 01 02",
            "composition": {"SiO2": 45.0, "Al2O3": 20.0, "CaO": 8.0}, "quantity_t_per_year": 10000,
            "location": {"lat": 65.01, "lon": 25.47, "place": "Oulu"}})
        if response.status_code == 201:
            acknowledged("side_stream", title)
