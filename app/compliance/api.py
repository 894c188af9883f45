"""JSON export of a meeting's compliance log: everything needed to recompute every hash."""
from flask import jsonify

from app.compliance import services
from app.compliance.views import visible_meeting
from app.core.api import make_api_blueprint

bp = make_api_blueprint("compliance_api", __name__)


@bp.get("/meetings/<int:meeting_id>/compliance")
def get_log(meeting_id):
    meeting = visible_meeting(meeting_id)
    return jsonify(services.log_report(meeting.id))
