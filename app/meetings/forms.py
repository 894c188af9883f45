"""HTML forms of the public portal and the staff agenda builder.

Every staff form is a FlaskForm, so every POST carries and checks a CSRF token.
The public filter form is sent with GET and has no side effects, so it needs none.
"""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import (BooleanField, DateField, DateTimeLocalField, HiddenField, IntegerField, SelectField,
                     StringField, SubmitField, TextAreaField, URLField)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional, URL

from app.meetings.models import MeetingKind, SectionKind

try:
    from wtforms.fields.choices import SelectChoice
except ImportError:  # WTForms < 3.3 only knows (value, label) tuples
    SelectChoice = None

LOCAL_DATETIME_FORMATS = ["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S"]


def choice(value, label):
    """One <option>; WTForms 3.3 deprecates plain tuples."""
    return SelectChoice(value, label) if SelectChoice is not None else (value, label)


def kind_choices():
    labels = {MeetingKind.REGULAR: _l("Regular"), MeetingKind.SPECIAL: _l("Special"),
              MeetingKind.EMERGENCY: _l("Emergency")}
    return [choice(kind.value, labels[kind]) for kind in MeetingKind]


def section_kind_choices():
    labels = {
        SectionKind.CEREMONIAL: _l("Ceremonial (call to order, roll call, adjournment)"),
        SectionKind.PUBLIC_COMMENT: _l("Public comment on non-agenda items"),
        SectionKind.CONSENT: _l("Consent calendar"),
        SectionKind.PUBLIC_HEARING: _l("Public hearings"),
        SectionKind.BUSINESS: _l("Business"),
        SectionKind.CLOSED_SESSION: _l("Closed session"),
        SectionKind.REPORTS: _l("Reports"),
    }
    return [choice(kind.value, labels[kind]) for kind in SectionKind]


class MeetingFilterForm(FlaskForm):
    """The public meeting list's filters (GET, bookmarkable)."""

    class Meta:
        csrf = False

    body = SelectField(_l("Body"), choices=[], validate_choice=True, default="")
    from_date = DateField(_l("From"), validators=[Optional()])
    to_date = DateField(_l("To"), validators=[Optional()])
    submit = SubmitField(_l("Filter"))

    def validate_to_date(self, field):
        if field.data and self.from_date.data and field.data < self.from_date.data:
            from wtforms.validators import ValidationError

            raise ValidationError(_l("The end date must be on or after the start date."))


class MeetingDetailsForm(FlaskForm):
    """Title, kind, time and place. Times are entered in the body's local time."""

    kind = SelectField(_l("Kind of meeting"), choices=kind_choices, validators=[DataRequired()])
    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=300)])
    start_at = DateTimeLocalField(_l("Starts"), format=LOCAL_DATETIME_FORMATS,
                                  validators=[InputRequired()])
    end_at = DateTimeLocalField(_l("Ends (optional)"), format=LOCAL_DATETIME_FORMATS,
                                validators=[Optional()])
    location = StringField(_l("Location"), validators=[Optional(), Length(max=500)])
    remote_url = URLField(_l("Webinar link"), validators=[Optional(), Length(max=500),
                                                          URL(require_tld=False)])
    dial_in = StringField(_l("Dial-in number and access code"), validators=[Optional(), Length(max=200)])
    remote_instructions = TextAreaField(_l("Remote participation instructions"),
                                        validators=[Optional(), Length(max=5000)])
    accommodation_notice = TextAreaField(_l("Disability accommodation notice"),
                                         validators=[Optional(), Length(max=5000)])
    submit = SubmitField(_l("Save meeting details"))

    def validate_end_at(self, field):
        if field.data and self.start_at.data and field.data <= self.start_at.data:
            from wtforms.validators import ValidationError

            raise ValidationError(_l("The end must be after the start."))


class NewMeetingForm(MeetingDetailsForm):
    body = SelectField(_l("Body"), choices=[], validators=[DataRequired()])
    submit = SubmitField(_l("Create meeting"))


class SectionForm(FlaskForm):
    title = StringField(_l("Section title"), validators=[DataRequired(), Length(max=200)])
    kind = SelectField(_l("Kind of section"), choices=section_kind_choices, default=SectionKind.BUSINESS.value)
    submit = SubmitField(_l("Add section"))


class ItemForm(FlaskForm):
    section_id = SelectField(_l("Section"), coerce=int, choices=[], validators=[InputRequired()])
    title = StringField(_l("Title (brief general description)"), validators=[DataRequired(), Length(max=500)])
    body_html = TextAreaField(_l("Body text"), validators=[Optional(), Length(max=100_000)])
    recommended_action = TextAreaField(_l("Recommended action"), validators=[Optional(), Length(max=10_000)])
    department = StringField(_l("Department"), validators=[Optional(), Length(max=200)])
    fiscal_impact = TextAreaField(_l("Fiscal impact"), validators=[Optional(), Length(max=10_000)])
    accepts_public_comment = BooleanField(_l("Accepts public comment"), default=True)
    estimated_minutes = IntegerField(_l("Estimated minutes"),
                                     validators=[Optional(), NumberRange(min=0, max=24 * 60)])
    submit = SubmitField(_l("Add item"))

    def item_values(self):
        return {
            "title": self.title.data.strip(),
            "body_html": self.body_html.data or "",
            "recommended_action": self.recommended_action.data or "",
            "department": self.department.data or "",
            "fiscal_impact": self.fiscal_impact.data or "",
            "accepts_public_comment": bool(self.accepts_public_comment.data),
            "estimated_minutes": self.estimated_minutes.data,
        }


class AttachmentForm(FlaskForm):
    file = FileField(_l("PDF file"), validators=[FileRequired(_l("Choose a PDF file to upload."))])
    submit = SubmitField(_l("Upload PDF"))


class PublishForm(FlaskForm):
    override_reason = TextAreaField(_l("Reason for publishing after the deadline"),
                                    validators=[Optional(), Length(max=2000)])
    submit = SubmitField(_l("Publish agenda"))


class CancelForm(FlaskForm):
    action = SelectField(_l("Action"), choices=lambda: [choice("cancel", _l("Cancel the meeting")),
                                                        choice("postpone", _l("Postpone the meeting"))])
    reason = TextAreaField(_l("Reason (shown to the public)"), validators=[DataRequired(), Length(max=2000)])
    submit = SubmitField(_l("Confirm"))


class MoveItemForm(FlaskForm):
    """One button of the keyboard-accessible reordering: up, down, or to another section."""

    direction = HiddenField(validators=[Optional()])
    to_section_id = SelectField(_l("Move to section"), coerce=int, choices=[], validate_choice=False,
                                validators=[Optional()])


class ConfirmForm(FlaskForm):
    """A bare form: only the CSRF token, for buttons such as delete."""

    submit = SubmitField(_l("Delete"))


def policy_choices():
    labels = {"fifo": _l("First come, first served"), "alternate": _l("Alternate in person and remote"),
              "in_person_first": _l("In person first")}
    return [choice(value, label) for value, label in labels.items()]


def rule_pack_choices():
    from app.compliance.rules import PACKS

    return [choice(pack.id, _l(pack.name)) for pack in PACKS.values()]  # (a statute's name stays as it is)


class NewBodyForm(FlaskForm):
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=200)])
    slug = StringField(_l("Short name for web addresses"), validators=[DataRequired(), Length(max=80)])
    timezone = StringField(_l("Time zone"), default="America/Los_Angeles",
                           validators=[DataRequired(), Length(max=64)])
    rule_pack = SelectField(_l("Open-meeting rules"), choices=rule_pack_choices, validators=[DataRequired()])
    comment_seconds = IntegerField(_l("Seconds per public speaker"), default=180,
                                   validators=[InputRequired(), NumberRange(min=10, max=3600)])
    comment_policy = SelectField(_l("Order of the comment queue"), choices=policy_choices,
                                 validators=[DataRequired()])
    submit = SubmitField(_l("Create the body"))


def motion_kind_labels():
    return {"main": _l("Main motion"), "amendment": _l("Amendment"), "substitute": _l("Substitute motion"),
            "table": _l("Motion to table"), "reconsider": _l("Motion to reconsider")}


def threshold_labels():
    return {"majority_of_votes_cast": _l("Majority of the votes cast"),
            "majority_of_full_body": _l("Majority of the full body (every seat, vacancies included)"),
            "two_thirds": _l("Two-thirds of the votes cast")}


def threshold_choices():
    return [choice(value, label) for value, label in threshold_labels().items()]


class BodySettingsForm(FlaskForm):
    """An existing body's settings. The view drops timezone and rule_pack for callers who may not
    change them (policy `body.configure`), so those are never read from their form."""

    timezone = StringField(_l("Time zone"), validators=[DataRequired(), Length(max=64)])
    rule_pack = SelectField(_l("Open-meeting rules"), choices=rule_pack_choices, validators=[DataRequired()])
    comment_seconds = IntegerField(_l("Seconds per public speaker"),
                                   validators=[InputRequired(), NumberRange(min=10, max=3600)])
    comment_policy = SelectField(_l("Order of the comment queue"), choices=policy_choices,
                                 validators=[DataRequired()])
    # One per kind of motion (app.minutes.rules.MOTION_KINDS); `thresholds()` reads them back.
    threshold_main = SelectField(_l("Main motion"), choices=threshold_choices, validators=[DataRequired()])
    threshold_amendment = SelectField(_l("Amendment"), choices=threshold_choices, validators=[DataRequired()])
    threshold_substitute = SelectField(_l("Substitute motion"), choices=threshold_choices,
                                       validators=[DataRequired()])
    threshold_table = SelectField(_l("Motion to table"), choices=threshold_choices, validators=[DataRequired()])
    threshold_reconsider = SelectField(_l("Motion to reconsider"), choices=threshold_choices,
                                       validators=[DataRequired()])
    submit = SubmitField(_l("Save settings"))

    THRESHOLD_PREFIX = "threshold_"

    def threshold_fields(self):
        return [field for field in self if field.short_name.startswith(self.THRESHOLD_PREFIX)]

    def thresholds(self):
        return {field.short_name[len(self.THRESHOLD_PREFIX):]: field.data for field in self.threshold_fields()}

    @classmethod
    def for_body(cls, body, formdata=None):
        """The form with the body's current settings, or with the posted ones when `formdata` is given."""
        from app.minutes.rules import MOTION_KINDS, threshold_for

        data = None
        if formdata is None:
            data = {"timezone": body.timezone, "rule_pack": body.rule_pack,
                    "comment_seconds": body.comment_seconds, "comment_policy": body.comment_policy.value,
                    **{cls.THRESHOLD_PREFIX + kind: threshold_for(kind, body.default_thresholds)
                       for kind in MOTION_KINDS}}
        return cls(formdata=formdata, prefix="settings", data=data)


class MemberForm(FlaskForm):
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=200)])
    title = StringField(_l("Title"), default="Councilmember", validators=[Length(max=100)])
    seat = StringField(_l("Seat or district"), validators=[Length(max=100)])
    submit = SubmitField(_l("Add the member"))
