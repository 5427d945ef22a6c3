"""The footer's language switch is plain HTML (no form object per page) and still posts a
valid form: its CSRF token, the page to come back to, and the current language selected."""
import re


def test_the_switch_on_a_page_posts_back_with_its_csrf_token(client, csrf_enabled):
    page = client.get("/filings?brand=glow").get_data(as_text=True)
    form = page[page.index('class="language-form"'):]
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', form).group(1)
    assert 'name="next" type="hidden" value="/filings?brand=glow"' in form
    assert '<option selected value="en">' in form and 'value="zh_Hans"' in form
    response = client.post("/language", data={"csrf_token": token, "locale": "zh_Hans", "next": "/filings?brand=glow"})
    assert response.status_code == 302 and response.headers["Location"] == "/filings?brand=glow"
    assert '<option selected value="zh_Hans">' in client.get("/").get_data(as_text=True)
    assert client.post("/language", data={"locale": "en", "next": "/"}).status_code == 400  # no token
