"""What a security reviewer checks in the server's own settings (.streamlit/config.toml)."""

from __future__ import annotations

import tomllib

from geo import imports
from tests.conftest import ROOT


def config() -> dict:
    return tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text("utf-8"))


def test_a_visitor_never_sees_a_traceback():
    """Streamlit's default shows any visitor the Python traceback (paths, code, values) of an error."""
    assert config()["client"]["showErrorDetails"] == "none"


def test_uploads_stop_at_the_import_limit_and_cross_site_requests_are_refused():
    server = config()["server"]
    assert server["maxUploadSize"] * 1024 * 1024 == imports.MAX_BYTES  # Streamlit refuses larger uploads itself
    assert server.get("enableXsrfProtection", True) is True and server.get("enableCORS", True) is True
