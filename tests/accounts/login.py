"""Posting the real sign-in form, as a browser does."""
from tests.conftest import csrf_from


def post_login(client, email, password, next_url=None):
    page = client.get("/login")
    url = "/login" if next_url is None else f"/login?next={next_url}"
    return client.post(url, data={"email": email, "password": password, "csrf_token": csrf_from(page.text)})
