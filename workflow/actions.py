"""Firing triggers for a person at a screen: say why not, or fire as one transaction."""

from flask import current_app
from flask_babel import gettext as _

from workflow.engine import get_engine
from workflow.errors import Conflict, NotAllowed
from workflow.models.user import ROLES
from workflow.text import label


def check_version(case, expected_version):
    """Raise Conflict when the form was filled in on an older version of the case."""
    if expected_version is not None and int(expected_version) != case.version:
        raise Conflict()


def refusal(case, trigger, user):
    """Return why this user cannot fire trigger on the case now (Chinese), or None.

    Guards are not asked here: they say what is missing once the form is sent.
    """
    engine = get_engine()
    action = engine.trigger_label(trigger)
    tdefs = engine.definition.transitions_from(case.state, trigger)
    if not tdefs:
        return _("当前状态“%(state)s”不能执行“%(action)s”", state=engine.state_label(case.state), action=action)
    tdef = tdefs[0]
    if user.role not in tdef.roles:
        return _("您的角色（%(role)s）不能执行“%(action)s”", role=label(ROLES[user.role]), action=action)
    if not engine.in_scope(user, case, tdef):
        if tdef.scope == "receiver":
            return _("只有接收单位可以执行“%(action)s”", action=action)
        return _("只有案件所属单位可以执行“%(action)s”", action=action)
    return None


def fire(case, trigger, actor, *, expected_version=None, reason=None, now=None, **data):
    """Fire a trigger for a user who can see the case; a refusal always carries its reason."""
    check_version(case, expected_version)
    problem = refusal(case, trigger, actor)
    if problem:
        raise NotAllowed(problem)
    return get_engine().fire(case, trigger, actor, reason=reason, now=now, **data)


def may_reveal(case, user):
    """Say whether the user may see the case's full ID number and phones (workflow.privacy decides)."""
    return user.role in current_app.config["PII_REVEAL_ROLES"] and get_engine().in_scope(user, case)
