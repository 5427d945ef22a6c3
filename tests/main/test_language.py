"""English and Simplified Chinese: from the browser, switchable, remembered."""
from marketplace.auth.models import User
from marketplace.extensions import db
from tests.factories import open_session


def test_english_by_default(client):
    page = client.get("/").get_data(as_text=True)
    assert "Sponsored notes, done honestly." in page
    assert '<html lang="en">' in page


def test_chinese_from_accept_language(client):
    page = client.get("/", headers={"Accept-Language": "zh-CN,zh;q=0.9,en;q=0.5"}).get_data(as_text=True)
    assert '<html lang="zh-Hans">' in page
    assert "商业笔记，诚实透明。" in page


def test_english_preferred_over_chinese_by_quality(client):
    page = client.get("/", headers={"Accept-Language": "en-GB,zh;q=0.4"}).get_data(as_text=True)
    assert '<html lang="en">' in page


def test_switch_is_remembered_in_a_cookie(client):
    response = client.post("/language", data={"locale": "zh_Hans", "next": "/login"})
    assert response.status_code == 302 and response.headers["Location"] == "/login"
    page = client.get("/login").get_data(as_text=True)
    assert "登录 Pappus" in page


def test_switch_is_saved_on_the_account(app, client, login_as):
    user = login_as("brand")
    client.post("/language", data={"locale": "zh_Hans", "next": "/brand"})
    assert db.session.get(User, user.id).locale == "zh_Hans"
    other_browser = app.test_client()
    with other_browser.session_transaction() as session:
        session["_user_id"] = open_session(user)
    assert "品牌工作台" in other_browser.get("/brand").get_data(as_text=True)


def test_unknown_language_is_refused(client):
    assert client.post("/language", data={"locale": "xx", "next": "/"}).status_code == 400


def test_switch_never_redirects_off_site(client):
    response = client.post("/language", data={"locale": "en", "next": "https://evil.example.net"})
    assert response.headers["Location"] == "/"


def test_form_errors_are_translated(client):
    client.post("/language", data={"locale": "zh_Hans", "next": "/"})
    page = client.post("/signup", data={"role": "brand", "display_name": "x", "email": "bad",
                                        "password": "a-long-password", "confirm": "other-password"}).get_data(as_text=True)
    assert "两次输入的密码不一致" in page
