"""Log-in that gives nothing away: equal work for unknown emails, capped passwords, a new
CSRF token after log-in, lock-out per account and (much higher) per address, and throttling
that holds when 40 wrong log-ins arrive at once."""
import threading
from datetime import timedelta

import pytest
import werkzeug.security

from tests.factories import DEFAULT_PASSWORD, make_user


def _login(client, email, password, **extra):
    return client.post("/login", data={"email": email, "password": password, **extra},
                       follow_redirects=True)


@pytest.fixture
def hash_checks(monkeypatch):
    """Every password hash computed (by checks and by hashing), as the method and parameters used."""
    real = werkzeug.security._hash_internal
    seen = []
    lock = threading.Lock()

    def counting(method, salt, password):
        with lock:
            seen.append(method)
        return real(method, salt, password)

    monkeypatch.setattr(werkzeug.security, "_hash_internal", counting)
    return seen


@pytest.mark.parametrize("method", ["scrypt", "scrypt:65536:8:1", "pbkdf2:sha256:100000"])
def test_an_unknown_email_costs_the_same_hash_work_as_a_real_one(app, client, monkeypatch, hash_checks, method):
    monkeypatch.setitem(app.config, "PASSWORD_HASH_METHOD", method)
    user = make_user("creator", email="lin@example.com")
    real_parameters = user.password_hash.split("$")[0]

    hash_checks.clear()
    assert _login(client, "lin@example.com", "wrong-password-1").status_code == 401
    known = list(hash_checks)
    hash_checks.clear()
    assert _login(client, "nobody@example.com", "wrong-password-1").status_code == 401
    unknown = list(hash_checks)
    # The dummy hash may be made once per process; count only the checks after it exists.
    hash_checks.clear()
    _login(client, "nobody2@example.com", "wrong-password-1")
    again = list(hash_checks)

    assert known == [real_parameters]
    assert again == [real_parameters]
    assert unknown[-1:] == [real_parameters]


def test_a_password_over_the_maximum_is_refused_at_sign_up_with_a_reason(client):
    response = client.post("/signup", data={
        "role": "creator", "display_name": "Lin", "email": "lin@example.com",
        "password": "x" * 129, "confirm": "x" * 129})
    assert response.status_code == 422
    assert "Use at most 128 characters for your password." in response.get_data(as_text=True)


def test_a_huge_password_at_log_in_is_not_hashed(client, hash_checks):
    make_user("creator", email="lin@example.com")
    hash_checks.clear()
    response = _login(client, "lin@example.com", "x" * 1_000_000)
    assert response.status_code == 401
    assert hash_checks == []


def test_a_huge_new_password_is_refused_without_hashing(client, login_as, hash_checks):
    login_as("creator")
    hash_checks.clear()
    response = client.post("/account/password", data={
        "current_password": DEFAULT_PASSWORD, "new_password": "y" * 1_000_000, "confirm": "y" * 1_000_000})
    assert response.status_code == 422
    assert "Use at most 128 characters for your password." in response.get_data(as_text=True)
    assert len(hash_checks) <= 1  # the current password's check, never the megabyte


def _csrf_token(page: str) -> str:
    return page.split('name="csrf_token" type="hidden" value="')[1].split('"')[0]


def test_log_in_rotates_the_csrf_token(client, csrf_enabled):
    make_user("creator", email="lin@example.com")
    before = _csrf_token(client.get("/login").get_data(as_text=True))
    response = client.post("/login", data={"email": "lin@example.com", "password": DEFAULT_PASSWORD,
                                           "csrf_token": before})
    assert response.status_code == 302
    after = _csrf_token(client.get("/account/password").get_data(as_text=True))
    assert after != before
    # A token planted or read before log-in no longer authorises anything.
    assert client.post("/logout", data={"csrf_token": before}).status_code == 400
    assert client.get("/creator").status_code == 200
    assert client.post("/logout", data={"csrf_token": after}).status_code == 302
    assert client.get("/creator").status_code == 302


def test_five_failures_on_one_account_do_not_pause_other_accounts_on_that_address(client, frozen_clock):
    make_user("creator", email="lin@example.com")
    make_user("creator", email="colleague@example.com")
    for _ in range(5):
        _login(client, "lin@example.com", "wrong-password")
    assert _login(client, "lin@example.com", DEFAULT_PASSWORD).status_code == 429
    assert "Creator dashboard" in _login(client, "colleague@example.com", DEFAULT_PASSWORD).get_data(as_text=True)


def test_the_account_is_paused_whichever_addresses_the_failures_come_from(client, frozen_clock):
    make_user("creator", email="lin@example.com")
    for n in range(5):
        client.post("/login", data={"email": "lin@example.com", "password": "wrong-password"},
                    environ_base={"REMOTE_ADDR": f"198.51.100.{n}"})
    blocked = client.post("/login", data={"email": "lin@example.com", "password": DEFAULT_PASSWORD},
                          environ_base={"REMOTE_ADDR": "203.0.113.9"})
    assert blocked.status_code == 429


def test_an_address_is_paused_only_at_its_own_much_higher_limit(app, client, frozen_clock, monkeypatch):
    assert app.config["LOGIN_MAX_FAILURES_PER_ADDRESS"] >= 10 * app.config["LOGIN_MAX_FAILURES"]
    monkeypatch.setitem(app.config, "LOGIN_MAX_FAILURES_PER_ADDRESS", 12)
    make_user("creator", email="real@example.com")
    for n in range(11):
        assert _login(client, f"guess{n}@example.com", "wrong-password").status_code == 401
    assert _login(client, "real@example.com", DEFAULT_PASSWORD).status_code == 200
    client.post("/logout")
    _login(client, "guess-last@example.com", "wrong-password")
    blocked = _login(client, "real@example.com", DEFAULT_PASSWORD)
    assert blocked.status_code == 429
    assert "from your network" in blocked.get_data(as_text=True)


def test_forty_parallel_wrong_log_ins_check_at_most_the_limit_of_passwords(app, hash_checks):
    make_user("creator", email="lin@example.com")
    hash_checks.clear()
    gate = threading.Barrier(40)
    statuses = []
    lock = threading.Lock()

    def attempt():
        browser = app.test_client()
        gate.wait()
        with app.app_context():  # each thread is its own server worker, with its own session
            status = browser.post("/login", data={"email": "lin@example.com",
                                                  "password": "wrong-password"}).status_code
        with lock:
            statuses.append(status)

    threads = [threading.Thread(target=attempt) for _ in range(40)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert set(statuses) <= {401, 429} and len(statuses) == 40, statuses
    assert len(hash_checks) <= app.config["LOGIN_MAX_FAILURES"], hash_checks
    assert statuses.count(401) == len(hash_checks)


def test_current_password_checks_are_throttled_like_log_in(client, login_as, frozen_clock):
    login_as("creator", email="lin@example.com")
    wrong = {"current_password": "not-my-password", "new_password": "brand-new-secret",
             "confirm": "brand-new-secret"}
    for _ in range(5):
        assert client.post("/account/password", data=wrong).status_code == 422
    right = dict(wrong, current_password=DEFAULT_PASSWORD)
    blocked = client.post("/account/password", data=right)
    assert blocked.status_code == 429
    assert "Try again in 60 seconds." in blocked.get_data(as_text=True)
    frozen_clock.advance(timedelta(seconds=61))
    assert client.post("/account/password", data=right).status_code == 302
