"""The login form and the password-change form."""

from flask import current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from wtforms import PasswordField, StringField
from wtforms.validators import ValidationError

from forms.base import BaseForm
from forms.validators import Required


class LoginForm(BaseForm):
    username = StringField(_l("用户名"), validators=[Required()])
    password = PasswordField(_l("密码"), validators=[Required()])


class NewPassword:
    """Long enough (PASSWORD_MIN_LENGTH), not the username, not the old password."""

    def __call__(self, form, field):
        minimum = current_app.config["PASSWORD_MIN_LENGTH"]
        if len(field.data) < minimum:
            raise ValidationError(_("新密码至少需要%(n)s个字符", n=minimum))
        if field.data == form.old_password.data:
            raise ValidationError(_("新密码不能与原密码相同"))
        if form.username and field.data.strip().lower() == form.username.lower():
            raise ValidationError(_("新密码不能与用户名相同"))


class SameAs:
    """Equal to another field (the confirmation of the new password)."""

    def __init__(self, other):
        self.other = other

    def __call__(self, form, field):
        if field.data != form[self.other].data:
            raise ValidationError(_("两次输入的新密码不一致"))


class ChangePasswordForm(BaseForm):
    old_password = PasswordField(_l("原密码"), validators=[Required()])
    new_password = PasswordField(_l("新密码"), validators=[Required(), NewPassword()])
    confirm = PasswordField(_l("再次输入新密码"), validators=[Required(), SameAs("new_password")])

    def __init__(self, *args, username=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.username = username
