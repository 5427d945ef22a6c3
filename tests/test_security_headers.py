"""Security headers on pages, errors and redirects."""
import pytest


@pytest.mark.parametrize("path, status", [("/", 200), ("/login", 200), ("/no-such-page", 404), ("/dashboard", 302)])
def test_security_headers_on_every_response(client, path, status):
    response = client.get(path)
    assert response.status_code == status
    csp = response.headers["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in csp
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert response.headers["X-Frame-Options"] == "DENY"


def test_forbidden_page_is_friendly_and_has_headers(client, login_as):
    login_as("creator")
    response = client.get("/brand")
    assert response.status_code == 403
    assert "This page is not for your account" in response.get_data(as_text=True)
    assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"]


def test_pages_have_no_inline_script(client):
    page = client.get("/").get_data(as_text=True)
    assert "<script>" not in page and "onclick=" not in page and "style=" not in page


def test_server_error_page(tmp_path):
    from config import TestingConfig
    from marketplace import create_app
    from marketplace.access import PUBLIC, audience

    app = create_app(TestingConfig, SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path}/x.db",
                     PROPAGATE_EXCEPTIONS=False)

    @app.route("/boom")
    @audience(PUBLIC)
    def boom():
        raise RuntimeError("boom")

    response = app.test_client().get("/boom")
    assert response.status_code == 500
    assert "Something went wrong on our side" in response.get_data(as_text=True)
    assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_production_refuses_to_start_without_secrets(monkeypatch):
    from config import ProductionConfig
    from marketplace import create_app

    monkeypatch.delenv("SECRET_KEY", raising=False)
    monkeypatch.delenv("DATABASE_URL", raising=False)
    with pytest.raises(RuntimeError, match="SECRET_KEY, DATABASE_URL"):
        create_app(ProductionConfig)


@pytest.mark.parametrize("path", ["/creator", "/account/password", "/", "/dashboard", "/no-such-page", "/brand"])
def test_every_response_for_a_signed_in_user_is_private_and_not_stored(client, login_as, path):
    login_as("creator")
    response = client.get(path)
    assert response.headers["Cache-Control"] == "private, no-store", (path, response.status_code)


def test_public_pages_for_visitors_may_be_cached(client):
    assert "no-store" not in client.get("/").headers.get("Cache-Control", "")
