"""GET /api/v1/me and bearer-token authentication."""
from app.accounts import services
from app.extensions import db
from tests.factories import NOW, make_body


def test_me_with_a_bearer_token(client, staff):
    council = make_body(slug="city-council", name="City Council")
    planning = make_body(slug="planning", name="Planning Commission")
    user = staff.user("clerk", body=council, name="Rosa Clerk")
    services.grant_role(user, planning, "member")
    db.session.commit()

    response = client.get("/api/v1/me", headers=staff.token_headers(user))
    assert response.status_code == 200
    assert response.json == {
        "id": user.id, "email": user.email, "name": "Rosa Clerk", "is_admin": False,
        "authenticated_by": "token",
        "roles": [
            {"body": {"id": council.id, "slug": "city-council", "name": "City Council"}, "roles": ["clerk"]},
            {"body": {"id": planning.id, "slug": "planning", "name": "Planning Commission"},
             "roles": ["member"]},
        ],
    }


def test_me_with_the_browser_session(client, staff):
    user = staff.login(staff.user("admin"))
    response = client.get("/api/v1/me")
    assert response.status_code == 200
    assert response.json["email"] == user.email and response.json["is_admin"] is True
    assert response.json["authenticated_by"] == "session" and response.json["roles"] == []


def test_me_refuses_anonymous_callers_with_json(client):
    response = client.get("/api/v1/me")
    assert response.status_code == 401
    assert response.json["error"]["code"] == "unauthorized"


def test_unknown_malformed_and_revoked_tokens_get_401_json(client, staff):
    user = staff.user("clerk")
    headers = staff.token_headers(user)
    assert client.get("/api/v1/me", headers=headers).status_code == 200
    for bad in ({"Authorization": "Bearer dais_unknown"}, {"Authorization": "Bearer " + "x" * 300}):
        response = client.get("/api/v1/me", headers=bad)
        assert response.status_code == 401 and response.json["error"]["code"] == "unauthorized"

    services.revoke_user_tokens(user, now=NOW)
    db.session.commit()
    response = client.get("/api/v1/me", headers=headers)
    assert response.status_code == 401
    assert response.json == {"error": {"code": "unauthorized", "message": "The API token is not valid."}}


def test_a_token_does_not_open_a_browser_session(client, staff):
    client.get("/api/v1/me", headers=staff.token_headers(staff.user("clerk")))
    assert client.get("/api/v1/me").status_code == 401
