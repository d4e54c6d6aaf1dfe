"""The engine: one shared transitions Machine per definition, and fire().

Rows are never attached to the machine: fire() hands the event a short-lived
Subject that carries the state, and copies the result back to the row.
"""

from dataclasses import dataclass, field
from datetime import datetime
from functools import partial

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy.orm.exc import StaleDataError
from transitions import Machine, MachineError

from workflow.db import db, utcnow
from workflow.errors import CaseNotFound, Conflict, GuardFailed, NotAllowed, ProcessError
from workflow.models.history import TransitionRecord
from workflow.models.user import ROLES
from workflow.process import deadlines
from workflow.process.definition import load
from workflow.process.effects import EFFECTS
from workflow.process.guards import CONDITIONS, GUARDS
from workflow.rows import insert_row
from workflow.text import label

# The pseudo-triggers of check(): change the 五必登 and 三个一 without a transition; manage a
# party member's 流动党员 situation, 活动证 and 定期报告 (the rules in workflow/mobility.toml).
EDIT = "edit"
MOBILITY = "mobility"

# Triggers that appear in the history but are not transitions of the process.
HISTORY_ONLY_TRIGGERS = {"list": ("列入名单", "Listed"), "reassign": ("改派责任人", "Reassigned"),
                         "mobility": ("流动情况变更", "Mobility changed"),
                         "certificate_issue": ("发放活动证", "Certificate issued"),
                         "certificate_renew": ("活动证续期", "Certificate renewed"),
                         "certificate_revoke": ("收回活动证", "Certificate revoked")}


@dataclass
class Firing:
    """What guards, conditions and effects see of one trigger being fired."""

    definition: object
    case: object
    actor: object
    trigger: str
    from_state: str
    now: datetime
    reason: str | None = None
    data: dict = field(default_factory=dict)


class Subject:
    """Stands in for the row while the machine runs; holds the state and the firing."""

    def __init__(self, firing):
        self.state = firing.case.state
        self.firing = firing


def _run_condition(func, event):
    return func(event.model.firing)


def _run_effects(tdef, event):
    event.model.firing.chosen = tdef
    for name in tdef.after:
        EFFECTS[name](event.model.firing)


class Engine:
    def __init__(self, definition):
        self.definition = definition
        self.machine = Machine(
            model=None,
            states=list(definition.states),
            transitions=[self._machine_transition(t) for t in definition.transitions],
            initial=definition.initial,
            auto_transitions=False,
            send_event=True,
            model_attribute="state",
        )
        # What fire() looks up at every call, computed once from the definition.
        self._triggers = frozenset(definition.triggers)
        self._from = {state: tuple(definition.transitions_from(state)) for state in definition.states}
        self._leaving = {(state, t.trigger): tuple(definition.transitions_from(state, t.trigger))
                         for state in definition.states for t in self._from[state]}

    @staticmethod
    def _machine_transition(t):
        return {
            "trigger": t.trigger,
            "source": list(t.sources),
            "dest": t.dest,
            "conditions": [partial(_run_condition, CONDITIONS[n]) for n in t.conditions],
            "unless": [partial(_run_condition, CONDITIONS[n]) for n in t.unless],
            "after": [partial(_run_effects, t)],
        }

    # ------------------------------------------------------------ questions

    def visible(self, user, case):
        """Say whether the case is the user's to see: in their subtree, or handed over to it."""
        path = user.org_unit.path
        return case.org_path.startswith(path) or bool(case.handover_to_path) and case.handover_to_path.startswith(path)

    def in_scope(self, user, case, tdef=None):
        """Say whether the user may act on the case (for this transition's scope)."""
        path = user.org_unit.path
        if tdef is not None and tdef.scope == "receiver":
            return bool(case.handover_to_path) and case.handover_to_path.startswith(path)
        return case.org_path.startswith(path)

    def check(self, case, trigger, user, expected_version=None):
        """Raise the ProcessError saying why the user may not do trigger on the case now.

        The one answer to "may this user do this now, and if not, why": views ask it
        through refusal(), services and fire() through this. trigger is a trigger of the
        process or EDIT (change the 五必登 and 三个一 outside a transition). Guards are not
        asked: they say what is missing once the form is sent. Returns the transition.
        """
        if not self.visible(user, case):
            raise CaseNotFound()
        self.check_version(case, expected_version)
        if trigger == EDIT:
            if not self.in_scope(user, case):
                raise NotAllowed(_("只有案件所属单位可以修改登记信息"))
            if not self.definition.states[case.state].editable:
                raise NotAllowed(_("案件处于“%(state)s”状态，登记信息已冻结，不能修改",
                                   state=self.state_label(case.state)))
            return None
        if trigger == MOBILITY:
            return self._check_mobility(case, user)
        if trigger not in self._triggers:
            raise NotAllowed(_("未知的操作：%(trigger)s", trigger=trigger))
        tdefs = self._leaving.get((case.state, trigger), ())
        action = self.trigger_label(trigger)
        if not tdefs:
            raise NotAllowed(_("当前状态“%(state)s”不能执行“%(action)s”",
                               state=self.state_label(case.state), action=action))
        tdef = tdefs[0]
        if user.role not in tdef.roles:
            raise NotAllowed(_("您的角色（%(role)s）不能执行“%(action)s”", role=label(ROLES[user.role]), action=action))
        if not self.in_scope(user, case, tdef):
            if tdef.scope == "receiver":
                raise NotAllowed(_("只有接收单位可以执行“%(action)s”", action=action))
            raise NotAllowed(_("只有案件所属单位可以执行“%(action)s”", action=action))
        return tdef

    def _check_mobility(self, case, user):
        policy = current_app.extensions["mobility_policy"]
        if not case.person.is_party_member:
            raise NotAllowed(_("流动党员管理只适用于党员，居民不适用"))
        if user.role not in policy.roles:
            raise NotAllowed(_("您的角色（%(role)s）不能登记流动党员情况", role=label(ROLES[user.role])))
        if not self.in_scope(user, case):
            raise NotAllowed(_("只有案件所属单位可以登记流动党员情况"))
        if case.state in policy.ends_in:
            raise NotAllowed(_("案件处于“%(state)s”状态，不再登记流动党员情况", state=self.state_label(case.state)))
        return None

    @staticmethod
    def check_version(case, expected_version):
        """Raise Conflict when the form was filled in on an older version of the case."""
        if expected_version is not None and int(expected_version) != case.version:
            raise Conflict()

    def refusal(self, case, trigger, user):
        """Return why the user may not do trigger on the case now (Chinese), or None."""
        try:
            self.check(case, trigger, user)
        except ProcessError as exc:
            return exc.message
        return None

    def may_edit(self, case, user):
        """Say whether the user may change the 五必登 and 三个一 of the case now."""
        return self.refusal(case, EDIT, user) is None

    def available(self, case, user):
        """Return the transitions (one per trigger) this user may fire on the case now."""
        found = {}
        for t in self._from.get(case.state, ()):
            if t.trigger in found or user.role not in t.roles:
                continue
            if self.in_scope(user, case, t):
                found[t.trigger] = t
        return list(found.values())

    def problems(self, case, trigger, actor, **data):
        """Return what is still missing before a trigger could fire (guards only)."""
        tdefs = self.definition.transitions_from(case.state, trigger)
        if not tdefs:
            return []
        firing = Firing(self.definition, case, actor, trigger, case.state, utcnow(), data=data)
        return [p for name in tdefs[0].guards for p in GUARDS[name](firing)]

    def waiting_states(self, role):
        """The states whose next step, seen from a case's own unit, is someone else's: the
        receiving unit's answer, or a review this role may not give (process.toml waits_on)."""
        out = []
        for s in self.definition.states.values():
            if s.waits_on == "receiver":
                out.append(s.name)
            elif s.waits_on == "reviewer" and not any(
                    role in t.roles for t in self.definition.transitions_from(s.name)
                    if t.scope != "receiver" and t.dest not in ("=", s.name)):
                out.append(s.name)
        return tuple(out)

    def state_label(self, state):
        s = self.definition.states[state]
        return label((s.zh, s.en))

    def trigger_label(self, trigger):
        t = next((t for t in self.definition.transitions if t.trigger == trigger), None)
        if t is None:  # history rows written outside the process: listing, reassignment
            return label(HISTORY_ONLY_TRIGGERS.get(trigger, (trigger, trigger)))
        return label((t.zh, t.en))

    # --------------------------------------------------------------- firing

    def fire(self, case, trigger, actor, *, expected_version=None, reason=None,
             now=None, commit=True, **data):
        """Fire a trigger on a case as one transaction; raise a ProcessError if refused."""
        try:
            record = self._fire(case, trigger, actor, expected_version, reason, now or utcnow(), data)
            db.session.flush()
        except StaleDataError:
            db.session.rollback()
            raise Conflict() from None
        except Exception:
            db.session.rollback()
            raise
        if commit:
            try:
                db.session.commit()
            except StaleDataError:
                db.session.rollback()
                raise Conflict() from None
        return record

    def _fire(self, case, trigger, actor, expected_version, reason, now, data):
        tdef = self.check(case, trigger, actor, expected_version)
        reason = (reason or "").strip() or None
        if tdef.reason == "required" and not reason:
            raise GuardFailed([_("请填写原因")])
        firing = Firing(self.definition, case, actor, trigger, case.state, now, reason, data)
        from_path = case.org_path  # the effects of accept move the case to the receiver
        problems = [p for name in tdef.guards for p in GUARDS[name](firing)]
        if problems:
            raise GuardFailed(problems)
        subject = Subject(firing)
        try:
            fired = self.machine.events[trigger].trigger(subject)
        except MachineError:
            fired = False
        if not fired:
            raise NotAllowed(_("当前不能执行“%(action)s”", action=self.trigger_label(trigger)))
        case.state = subject.state
        if case.state != firing.from_state:
            case.state_entered_at = now
        # The rhythm reads case.person; without this the lazy load would flush half the
        # change first: two UPDATEs and two version steps for one transition.
        with db.session.no_autoflush:
            deadlines.refresh(self.definition, case)
        # The case's UPDATE with its version check is flushed first, then its history row.
        return insert_row(TransitionRecord, dict(
            case_id=case.id, trigger=trigger, from_state=firing.from_state, to_state=case.state,
            actor_id=actor.id, at=now, reason=reason, data=_history_data(data),
            from_path=from_path, org_path=case.org_path,
        ))


def _history_data(data):
    """Keep plain facts for the history row (ids and short text), never objects."""
    out = {}
    for key, value in data.items():
        if hasattr(value, "id"):
            out[key + "_id"] = value.id
        elif isinstance(value, (str, int, float, bool)) or value is None:
            out[key] = value
    return out or None



def init_app(app):
    """Load and check the definition once; a broken file stops start-up."""
    definition = load(app.config["PROCESS_DEFINITION"], GUARDS, CONDITIONS, EFFECTS)
    app.extensions["process_engine"] = Engine(definition)


def get_engine():
    """Return the engine of the current app."""
    return current_app.extensions["process_engine"]
