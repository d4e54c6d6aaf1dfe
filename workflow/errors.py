"""Errors the engine and services raise; str() is the Chinese message for the user."""

from flask_babel import gettext as _


class ProcessError(Exception):
    """Base of every refusal the user should read."""

    def __init__(self, message):
        super().__init__(message)
        self.message = message


class CaseNotFound(ProcessError):
    """The case does not exist or lies outside the user's subtree (both answer 404)."""

    def __init__(self):
        super().__init__(_("没有找到该案件"))


class Conflict(ProcessError):
    """Someone else changed the case since it was loaded."""

    def __init__(self):
        super().__init__(_("该案件已被其他人修改，请刷新后重试"))


class NotAllowed(ProcessError):
    """The trigger cannot be fired now, by this user, or without a reason."""


class GuardFailed(ProcessError):
    """Named conditions failed; problems lists each missing item."""

    def __init__(self, problems):
        super().__init__(_("还不能执行此操作：") + "；".join(problems))
        self.problems = list(problems)
