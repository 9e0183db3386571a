from tests.access import Rule, everyone, signed_in

RULES = [
    Rule("main.index", lambda w: "/", expect=everyone(200)),
    Rule("main.set_language", lambda w: "/language", method="POST",
         data=lambda w: {"language": "en", "next": "/"}, expect=everyone(302)),
    Rule("static", lambda w: "/static/css/site.css", expect=everyone(200)),
    Rule("health.healthz", lambda w: "/healthz", expect=everyone(200)),
    Rule("health.readyz", lambda w: "/readyz", expect=everyone(200)),
    Rule("auth.login", lambda w: "/auth/login", expect=everyone(200)),
    Rule("auth.login", lambda w: "/auth/login", method="POST",
         data=lambda w: {"email": "nobody@example.fi", "password": "not the password"}, expect=everyone(400)),
    Rule("auth.logout", lambda w: "/auth/logout", method="POST",
         expect=signed_in(302, anonymous=302)),
]
