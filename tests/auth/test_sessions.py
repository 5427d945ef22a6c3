"""Sessions end on the server: log-out, log out everywhere, password change."""
from marketplace.auth.models import User
from marketplace.extensions import db
from tests.factories import DEFAULT_PASSWORD, make_user


def _login(client, email, password=DEFAULT_PASSWORD, **extra):
    return client.post("/login", data={"email": email, "password": password, **extra})


def _browser_with(app, **cookies):
    """Another browser holding copies of these cookies, as a thief would."""
    other = app.test_client()
    for name, value in cookies.items():
        other.set_cookie(name, value)
    return other


def test_a_copied_session_cookie_stops_working_after_logout(app, client):
    make_user("creator", email="lin@example.com")
    assert _login(client, "lin@example.com").status_code == 302
    thief = _browser_with(app, session=client.get_cookie("session").value)
    assert thief.get("/creator").status_code == 200

    client.post("/logout")

    assert thief.get("/creator").status_code == 302
    assert client.get("/creator").status_code == 302


def test_a_copied_remember_cookie_stops_working_after_logout(app, client):
    make_user("creator", email="lin@example.com")
    _login(client, "lin@example.com", remember="y")
    remember = client.get_cookie("remember_token").value
    assert _browser_with(app, remember_token=remember).get("/creator").status_code == 200

    client.post("/logout")

    assert _browser_with(app, remember_token=remember).get("/creator").status_code == 302


def test_logging_out_one_device_keeps_the_others(app, client):
    make_user("creator", email="lin@example.com")
    phone = app.test_client()
    _login(client, "lin@example.com")
    _login(phone, "lin@example.com")
    client.post("/logout")
    assert phone.get("/creator").status_code == 200


def test_log_out_everywhere_ends_every_session_including_this_one(app, client):
    make_user("brand", email="team@example.com")
    phone = app.test_client()
    _login(client, "team@example.com")
    _login(phone, "team@example.com", remember="y")
    remembered = _browser_with(app, remember_token=phone.get_cookie("remember_token").value)

    page = client.get("/account").get_data(as_text=True)
    assert "Log out everywhere" in page and "2 devices" in page

    response = client.post("/account/logout-everywhere", follow_redirects=True)
    assert "You are logged out on every device." in response.get_data(as_text=True)
    for browser in (client, phone, remembered):
        assert browser.get("/brand").status_code == 302


def test_change_password_logs_out_other_devices_but_not_this_one(app, client):
    make_user("creator", email="lin@example.com")
    other_device = app.test_client()
    _login(client, "lin@example.com")
    _login(other_device, "lin@example.com", remember="y")
    assert other_device.get("/creator").status_code == 200

    response = client.post("/account/password", data={
        "current_password": DEFAULT_PASSWORD, "new_password": "brand-new-secret", "confirm": "brand-new-secret"},
        follow_redirects=True)
    assert "Your password is changed." in response.get_data(as_text=True)
    assert client.get("/creator").status_code == 200
    assert other_device.get("/creator").status_code == 302
    client.post("/logout")
    assert _login(client, "lin@example.com", "brand-new-secret").status_code == 302


def test_loading_the_signed_in_user_costs_one_query(app, client, login_as):
    """The session check is folded into the user load: no extra query per request."""
    from sqlalchemy import event

    login_as("creator")
    statements = []

    def count(conn, cursor, statement, *args):
        if "users" in statement:
            statements.append(statement)

    event.listen(db.engine, "before_cursor_execute", count)
    try:
        assert client.get("/account").status_code == 200
    finally:
        event.remove(db.engine, "before_cursor_execute", count)
    loads = [s for s in statements if "user_sessions" in s or s.lstrip().upper().startswith("SELECT users")]
    assert len(loads) == 1, statements


def test_users_are_equal_by_id_whatever_their_session(app):
    user = make_user("creator")
    assert db.session.get(User, user.id) == user
    assert make_user("creator") != user


def test_the_account_page_names_each_device(app, client):
    make_user("creator", email="lin@example.com")
    phone = app.test_client()
    iphone = ("Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 "
              "(KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1")
    client.post("/login", data={"email": "lin@example.com", "password": DEFAULT_PASSWORD},
                headers={"User-Agent": "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 "
                                       "(KHTML, like Gecko) Chrome/124.0 Safari/537.36 Edg/124.0"})
    phone.post("/login", data={"email": "lin@example.com", "password": DEFAULT_PASSWORD},
               headers={"User-Agent": iphone})
    page = client.get("/account").get_data(as_text=True)
    assert "Edge on Windows" in page and "Safari on iPhone" in page
