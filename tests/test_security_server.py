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


def test_an_unexpected_error_shows_a_reference_and_no_detail(monkeypatch, caplog):
    """The page's last line of defence: the planner sees what to do and a reference; the log has the rest."""
    from geo import i18n
    from tests.conftest import app_test
    from ui import cache

    def broken():
        raise RuntimeError("secret detail /srv/data/key.txt")

    monkeypatch.setattr(cache, "get_layers", broken)
    at = app_test({"lang": "en"})
    shown = " ".join(e.value for e in at.error)
    assert i18n.t("unexpected_error", "en") in shown and i18n.t("error_reference", "en") in shown
    assert "secret" not in shown and "/srv" not in shown
    ref = shown.split(i18n.t("error_reference", "en"))[1].split(")")[0].strip()
    assert any(ref in r.getMessage() and r.exc_info for r in caplog.records)
