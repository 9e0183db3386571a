"""The cookie policy of a client that talks plain HTTP to gunicorn, as the TLS proxy in
front does. The site's cookies are Secure in production; a browser sends them because it
speaks HTTPS to the proxy. This policy sends them the same way."""
import http.cookiejar


class BehindTheProxy(http.cookiejar.DefaultCookiePolicy):
    def return_ok_secure(self, cookie, request):
        return True
