"""Upload a 摸底名单 (.xlsx or .csv) for a preview, then confirm the import."""

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileAllowed, FileField, FileRequired
from wtforms import SelectField

from forms.base import BaseForm
from forms.fields import optional_id
from forms.validators import Required
from workflow.cases.reassign import assignees
from workflow.db import db
from workflow.models import Project


class UploadForm(BaseForm):
    project = SelectField(_l("动迁项目"), coerce=optional_id, validators=[Required(_l("请选择动迁项目"))])
    worker = SelectField(_l("责任社区工作者（可选）"), coerce=optional_id)
    file = FileField(_l("摸底名单文件"), validators=[
        FileRequired(_l("请选择要导入的文件")),
        FileAllowed(["xlsx", "csv"], _l("只能导入 .xlsx 或 .csv 文件")),
    ])


def upload_form(viewer, **kwargs):
    """Build the form with the projects and the viewer's workers as choices."""
    form = UploadForm(**kwargs)
    form.project.choices = [("", _l("请选择"))] + [
        (p.id, p.name) for p in db.session.scalars(db.select(Project).order_by(Project.id))
    ]
    form.worker.choices = [("", _l("暂不指定"))] + [
        (u.id, f"{u.display_name}（{u.org_unit.name}）") for u in assignees(viewer)
    ]
    return form


class ConfirmForm(BaseForm):
    """Confirm a previewed import: only the CSRF token."""
