"""The refusals of household steps: each says which member and why, in Chinese."""

from flask_babel import gettext as _

from workflow.errors import ProcessError


class AlreadyInHousehold(ProcessError):
    """The case is a member of another household of its project; .household is that one."""

    def __init__(self, household, same=False):
        super().__init__(_("此人已是本户成员") if same else _("此人已在本项目的另一户中，如需调整请使用“移入本户”"))
        self.household = household
        self.same = same


class MembersRefused(ProcessError):
    """Some ticked members cannot take the step now; .refusals is [(case, reason)]. Nothing was done."""

    def __init__(self, refusals):
        super().__init__(_("以下成员现在不能办理，全户均未办理：") + "；".join(
            f"{case.person.name}：{reason}" for case, reason in refusals))
        self.refusals = refusals
