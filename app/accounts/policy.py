"""Who may do what. Every permission check in Dais goes through this module.

Roles are held per body (clerk, chair, member); admins may do everything.
"""
from flask_babel import gettext as _

from app.accounts.models import Role
from app.core.errors import Forbidden, Unauthorized

# action -> roles (on the body concerned) that may perform it
PERMISSIONS = {
    "body.create": set(),                       # admins only
    # Members, comment time and order, default vote thresholds: the clerk keeps the body's rules.
    "body.edit": {Role.CLERK},
    # Timezone and rule pack decide the posting deadlines the clerk's own postings are checked
    # against, so they are set by admins, as when the body was created.
    "body.configure": set(),                    # admins only
    "meeting.create": {Role.CLERK},
    "meeting.edit": {Role.CLERK},
    "meeting.publish": {Role.CLERK},
    "meeting.cancel": {Role.CLERK},
    "agenda.edit": {Role.CLERK},
    "meeting.view_staff": {Role.CLERK, Role.CHAIR, Role.MEMBER},
    "live.moderate": {Role.CHAIR, Role.CLERK},
    "live.add_in_person": {Role.CLERK, Role.CHAIR},
    "proceedings.record": {Role.CLERK},
    "minutes.edit": {Role.CLERK},
}


def can(user, action, body_id=None):
    if user is None or not getattr(user, "is_authenticated", False):
        return False
    if user.is_admin:
        return True
    allowed = PERMISSIONS[action]
    if body_id is None:
        return False
    return bool(user.roles_for(body_id) & allowed)


def require(user, action, body_id=None):
    """Raise Unauthorized for anonymous callers and Forbidden for the wrong role."""
    if user is None or not getattr(user, "is_authenticated", False):
        raise Unauthorized(_("Sign in to do this."))
    if not can(user, action, body_id):
        raise Forbidden(_("Your role does not allow this."))


def is_staff(user):
    return bool(user is not None and getattr(user, "is_authenticated", False)
                and (user.is_admin or user.memberships))


def staff_body_ids(user, action="meeting.view_staff"):
    """Body ids on which the user may perform `action` (None means every body, for admins)."""
    if user.is_admin:
        return None
    allowed = PERMISSIONS[action]
    return {m.body_id for m in user.memberships if m.role in allowed}
