"""Static files are served before the app (WhiteNoise): no database work, a year's cache
lifetime, and addresses that change with the file's content."""
import hashlib
from pathlib import Path

from flask import url_for


def test_static_files_skip_the_app_and_are_cached_long(app, client, count_queries):
    with app.test_request_context():
        address = url_for("static", filename="css/pappus.css")
    content = (Path(app.static_folder) / "css/pappus.css").read_bytes()
    assert address == f"/static/css/pappus.css?v={hashlib.sha256(content).hexdigest()[:12]}"
    with count_queries() as statements, client.get(address) as response:
        assert response.status_code == 200 and response.data == content
    assert statements == []
    assert "max-age=31536000" in response.headers["Cache-Control"]
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    with client.get("/static/css/no-such-file.css") as missing:
        assert missing.status_code == 404


def test_pages_link_static_files_by_content(client):
    page = client.get("/").get_data(as_text=True)
    assert "/static/css/pappus.css?v=" in page and "/static/js/app.js?v=" in page
