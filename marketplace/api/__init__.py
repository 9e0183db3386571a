"""The JSON API at /api/v1: the same services as the site, bodies in the interchange
contract's form (shared/contract), personal tokens, RFC 9457 problems, an OpenAPI 3.1
document and its readable reference page."""
from __future__ import annotations


def register(app) -> None:
    """Register the API (exempt from CSRF: it honours no cookie for writes) and the token
    pages of the account (CSRF-protected like every site form)."""
    from ..extensions import csrf
    from . import parameters, redaction
    from .token_views import bp as tokens_bp
    from .views import bp

    csrf.exempt(bp)
    # on the app, not the module-level blueprint, which every new app shares
    app.before_request(parameters.check_query)
    app.register_blueprint(bp)
    app.register_blueprint(tokens_bp)
    redaction.install(app)
