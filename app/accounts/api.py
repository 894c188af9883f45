"""JSON API for the signed-in account: GET /api/v1/me."""
import sqlalchemy as sa
from flask import jsonify

from app.accounts.services import roles_by_body
from app.core.api import api_user, make_api_blueprint, via_token
from app.extensions import db
from app.meetings.models import Body

bp = make_api_blueprint("accounts_api", __name__)


@bp.get("/me")
def me():
    """Who the caller is and which roles they hold on which body."""
    user = api_user()
    roles = roles_by_body(user)
    bodies = db.session.scalars(sa.select(Body).where(Body.id.in_(roles)).order_by(Body.name)).all()
    return jsonify({
        "id": user.id,
        "email": user.email,
        "name": user.name,
        "is_admin": user.is_admin,
        "authenticated_by": "token" if via_token() else "session",
        "roles": [{"body": {"id": body.id, "slug": body.slug, "name": body.name},
                   "roles": roles[body.id]} for body in bodies],
    })
