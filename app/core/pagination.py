"""Page/per-page parsing shared by the HTML list and the JSON API."""
from app.core.errors import ValidationFailed

MAX_PER_PAGE = 100


def page_args(args, default_per_page=20):
    try:
        page = int(args.get("page", 1))
        per_page = int(args.get("per_page", default_per_page))
    except (TypeError, ValueError):
        raise ValidationFailed("page and per_page must be whole numbers") from None
    if page < 1 or not 1 <= per_page <= MAX_PER_PAGE:
        raise ValidationFailed(f"page must be 1 or more and per_page between 1 and {MAX_PER_PAGE}")
    return page, per_page


def paginate(query, page, per_page):
    """Apply limit/offset to a SQLAlchemy select and count the total; returns (rows, total)."""
    from sqlalchemy import func, select

    from app.extensions import db

    total = db.session.scalar(select(func.count()).select_from(query.order_by(None).subquery()))
    rows = db.session.scalars(query.limit(per_page).offset((page - 1) * per_page)).all()
    return rows, total


def page_meta(page, per_page, total):
    return {"page": page, "per_page": per_page, "total": total,
            "pages": max(1, -(-total // per_page))}
