"""新增人员: put a person on a project's list."""

import re

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, RadioField, StringField
from wtforms.validators import ValidationError

from forms.base import BaseForm
from forms.fields import ChoiceField, Chosen, MaxLength, options
from forms.validators import IdNumber, Required


class PersonName:
    """A name of Chinese characters or letters, with · or spaces between parts."""

    def __call__(self, form, field):
        if not re.fullmatch(r"[\u3400-\u9fffA-Za-z·•. ]+", field.data.strip()):
            raise ValidationError(_("姓名只能包含汉字、字母和间隔号“·”"))


class PersonForm(BaseForm):
    name = StringField(_l("姓名"), validators=[Required(), MaxLength(50), PersonName()])
    id_number = StringField(_l("身份证号"), validators=[Required(), IdNumber()])
    kind = RadioField(_l("身份"), choices=options([("member", _l("党员")), ("resident", _l("居民"))]),
                      validate_choice=False)
    project_id = ChoiceField(_l("项目"))
    org_unit_id = ChoiceField(_l("所属组织"))
    confirm_similar = BooleanField(_l("已核对，不是同一人，继续保存"))

    def __init__(self, *args, projects=(), units=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.project_id.choices = options([(p.id, p.name) for p in projects], _("请选择"))
        self.org_unit_id.choices = options([(u.id, u.name) for u in units], _("请选择"))
        self.kind.validators = [Required(_("请选择身份：党员或居民")), Chosen(_("请选择身份：党员或居民"))]
        self.project_id.validators = [Chosen(_("请选择项目"))]
        self.org_unit_id.validators = [Chosen(_("请选择所属组织"))]
