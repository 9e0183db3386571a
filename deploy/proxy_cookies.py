"""Cookies for a client that talks plain HTTP to gunicorn, as the TLS proxy in front does.

The site's cookies are Secure in production; a browser sends them back because it speaks
HTTPS to the proxy. requests never sends a Secure cookie over HTTP (and builds a fresh jar
for every request, so a cookie policy set on the session is not used), so the cookies each
response sets are kept here and sent as a header."""


def send_secure_cookies(session) -> None:
    kept: dict[str, str] = {}

    def remember(response, *args, **kwargs):
        for cookie in response.cookies:
            kept[cookie.name] = cookie.value
        if kept:
            session.headers["Cookie"] = "; ".join(f"{name}={value}" for name, value in kept.items())
        return response

    session.hooks["response"].append(remember)
