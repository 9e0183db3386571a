from tests.listings.conftest import need_form, stream_form  # noqa: F401  (the same forms)
