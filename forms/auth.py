"""The login form."""

from wtforms import PasswordField, StringField

from forms.base import BaseForm
from forms.validators import Required


class LoginForm(BaseForm):
    username = StringField("用户名", validators=[Required()])
    password = PasswordField("密码", validators=[Required()])
