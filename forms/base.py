"""The base form every screen's form derives from."""

from flask_wtf import FlaskForm


class BaseForm(FlaskForm):
    """A CSRF-protected form; Chinese messages come from the fields' validators."""

    class Meta:
        locales = ["zh_CN", "zh"]
