"""The per-token limit of docs/api.md counts a token's requests over the whole API, not
per route: a client cannot multiply its allowance by spreading over endpoints."""
from tests.api.conftest import bearer


def test_one_token_shares_its_read_limit_across_routes(app, client, world, issue):
    app.config["API_RATELIMIT_READ"] = "3/minute"
    first, second = issue(world.users["member_a"]), issue(world.users["member_b"])
    urls = ["/api/v1/side-streams", "/api/v1/needs", "/api/v1/me", "/api/v1/waste-codes"]
    assert [client.get(url, headers=bearer(first)).status_code for url in urls] == [200, 200, 200, 429]
    # another token has its own count
    assert client.get("/api/v1/needs", headers=bearer(second)).status_code == 200
