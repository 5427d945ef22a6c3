"""Log-in, throttling, remember me, log-out and password change."""
from datetime import timedelta

from marketplace.auth.models import User
from marketplace.extensions import db
from tests.factories import DEFAULT_PASSWORD, make_user, open_session


def _login(client, email, password, **extra):
    return client.post("/login", data={"email": email, "password": password, **extra},
                       follow_redirects=True)


def test_login_with_right_password_reaches_dashboard(client):
    make_user("creator", email="lin@example.com", display_name="Lin")
    page = _login(client, "LIN@example.com", DEFAULT_PASSWORD).get_data(as_text=True)
    assert "Creator dashboard" in page and "Hello, Lin" in page


def test_wrong_password_and_unknown_email_get_the_same_message(client):
    make_user("creator", email="lin@example.com")
    wrong = _login(client, "lin@example.com", "nope-nope-nope")
    unknown = _login(client, "ghost@example.com", "nope-nope-nope")
    for response in (wrong, unknown):
        assert response.status_code == 401
        assert "That email and password do not match an account." in response.get_data(as_text=True)


def test_login_redirects_to_next_but_never_off_site(client):
    make_user("brand", email="b@example.com")
    response = client.post("/login?next=/brand", data={"email": "b@example.com", "password": DEFAULT_PASSWORD})
    assert response.headers["Location"] == "/brand"
    client.post("/logout")
    response = client.post("/login?next=https://evil.example.net/",
                           data={"email": "b@example.com", "password": DEFAULT_PASSWORD})
    assert response.headers["Location"] == "/dashboard"


def test_five_failures_pause_the_account_with_a_countdown(client, frozen_clock):
    make_user("creator", email="lin@example.com")
    for _ in range(5):
        _login(client, "lin@example.com", "wrong-password")
    frozen_clock.advance(timedelta(seconds=20))
    blocked = _login(client, "lin@example.com", DEFAULT_PASSWORD)
    assert blocked.status_code == 429
    assert "Try again in 40 seconds." in blocked.get_data(as_text=True)
    frozen_clock.advance(timedelta(seconds=41))
    assert "Creator dashboard" in _login(client, "lin@example.com", DEFAULT_PASSWORD).get_data(as_text=True)


def test_failures_from_one_address_across_accounts_pause_that_address(app, client, frozen_clock, monkeypatch):
    monkeypatch.setitem(app.config, "LOGIN_MAX_FAILURES_PER_ADDRESS", 5)
    for n in range(5):
        _login(client, f"guess{n}@example.com", "wrong-password")
    make_user("creator", email="real@example.com")
    blocked = _login(client, "real@example.com", DEFAULT_PASSWORD)
    assert blocked.status_code == 429
    assert "Too many failed log-ins from your network. Try again in 60 seconds." in blocked.get_data(as_text=True)


def test_four_failures_do_not_pause(client, frozen_clock):
    make_user("creator", email="lin@example.com")
    for _ in range(4):
        _login(client, "lin@example.com", "wrong-password")
    assert _login(client, "lin@example.com", DEFAULT_PASSWORD).status_code == 200


def test_remember_me_sets_a_lasting_cookie(client):
    make_user("creator", email="lin@example.com")
    response = client.post("/login", data={"email": "lin@example.com", "password": DEFAULT_PASSWORD, "remember": "y"})
    assert response.status_code == 302
    assert client.get_cookie("remember_token") is not None


def test_without_remember_me_there_is_no_lasting_cookie(client):
    make_user("creator", email="lin@example.com")
    client.post("/login", data={"email": "lin@example.com", "password": DEFAULT_PASSWORD})
    assert client.get_cookie("remember_token") is None


def test_logout_is_a_post_and_ends_the_session(client, login_as):
    login_as("brand")
    assert client.get("/logout").status_code == 405
    assert client.get("/brand").status_code == 200
    response = client.post("/logout", follow_redirects=True)
    assert "You are logged out." in response.get_data(as_text=True)
    assert client.get("/brand").status_code == 302


def test_change_password_needs_the_current_one(client, login_as):
    login_as("creator")
    response = client.post("/account/password", data={
        "current_password": "not-my-password", "new_password": "brand-new-secret", "confirm": "brand-new-secret"})
    assert response.status_code == 422
    assert "Your current password is not right." in response.get_data(as_text=True)


def test_change_password_works_and_logs_out_other_devices(app, client, login_as):
    user = login_as("creator", email="lin@example.com")
    other_device = app.test_client()
    with other_device.session_transaction() as session:
        session["_user_id"] = open_session(user)
    assert other_device.get("/creator").status_code == 200

    response = client.post("/account/password", data={
        "current_password": DEFAULT_PASSWORD, "new_password": "brand-new-secret", "confirm": "brand-new-secret"},
        follow_redirects=True)
    assert "Your password is changed." in response.get_data(as_text=True)
    assert client.get("/creator").status_code == 200  # this device stays in
    assert other_device.get("/creator").status_code == 302  # the other is logged out
    client.post("/logout")
    assert _login(client, "lin@example.com", "brand-new-secret").status_code == 200
    assert db.session.get(User, user.id).password_hash.startswith("scrypt")


def test_behind_a_trusted_proxy_throttling_counts_the_forwarded_address(tmp_path):
    from config import TestingConfig
    from marketplace import create_app
    from marketplace.extensions import db as database

    app = create_app(TestingConfig, SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path}/proxy.db",
                     WTF_CSRF_ENABLED=False, TRUSTED_PROXIES=1, LOGIN_MAX_FAILURES_PER_ADDRESS=5)
    with app.app_context():
        database.create_all()
        client = app.test_client()
        for n in range(5):
            client.post("/login", data={"email": f"guess{n}@example.com", "password": "wrong-password"},
                        headers={"X-Forwarded-For": "203.0.113.5"})
        blocked = client.post("/login", data={"email": "x@example.com", "password": "wrong-password"},
                              headers={"X-Forwarded-For": "203.0.113.5"})
        other = client.post("/login", data={"email": "x@example.com", "password": "wrong-password"},
                            headers={"X-Forwarded-For": "198.51.100.7"})
        database.engine.dispose()
    assert blocked.status_code == 429
    assert other.status_code == 401
