"""Reassign ticked cases to another worker of the subtree."""

from flask_babel import lazy_gettext as _l
from wtforms import SelectField, StringField
from wtforms.validators import Length

from forms.base import BaseForm
from forms.fields import optional_id
from forms.validators import Required
from workflow.cases.reassign import assignees


class ReassignForm(BaseForm):
    to_worker = SelectField(_l("新的责任人"), coerce=optional_id, validators=[Required(_l("请选择新的责任人"))])
    note = StringField(_l("备注（可选）"), validators=[Length(max=200, message=_l("备注最多200字"))])


def reassign_form(viewer, **kwargs):
    """Build the form with the viewer's workers as choices."""
    form = ReassignForm(**kwargs)
    form.to_worker.choices = [("", _l("请选择"))] + [
        (u.id, f"{u.display_name}（{u.org_unit.name}）") for u in assignees(viewer)
    ]
    return form
