"""Who hears about a case: its worker, the nearest supervisors above it, its unit's group robot.

Loaded once per job run (users and units with robots are few), then matched by path
in memory, so the per-case cost is a dictionary look-up.
"""

from flask import current_app
from sqlalchemy import select

from workflow.db import db
from workflow.models import OrgUnit, User

WORKER_ROLES = ("worker", "secretary")


class Directory:
    """Active users and robot units of the whole tree, matched to cases by path."""

    def __init__(self):
        users = db.session.execute(
            select(User, OrgUnit.path).join(OrgUnit, OrgUnit.id == User.org_unit_id)
            .where(User.active.is_(True)).order_by(User.id)
        ).all()
        self.users = {user.id: user for user, _path in users}
        self.supervisors = [(user, path) for user, path in users if user.role == "supervisor"]
        self.workers = [(user, path) for user, path in users if user.role in WORKER_ROLES]
        self.robots = db.session.scalars(
            select(OrgUnit).where(OrgUnit.webhook_url.is_not(None), OrgUnit.webhook_url != "")
        ).all()
        self._cache = {}

    def responsible(self, worker_id, org_path):
        """The case's worker; without an active one, the workers of the nearest unit above."""
        user = self.users.get(worker_id)
        if user is not None and user.role in WORKER_ROLES:
            return [user]
        return self._memo(("workers", org_path), lambda: _nearest(self.workers, org_path))

    def leaders(self, org_path):
        """Who is told of an escalation, a lost or a serious case: the supervisors of the nearest
        ESCALATION_LEVELS units above it that have any. With the default 1 a street supervisor
        hears only of the communities without their own supervisor (their dashboard shows all)."""
        levels = current_app.config["ESCALATION_LEVELS"]
        return self._memo(("leaders", org_path), lambda: _nearest(self.supervisors, org_path, levels))

    def reviewers(self, org_path):
        """The supervisors of the deepest unit above the case that has any: who reviews it."""
        return self._memo(("reviewers", org_path), lambda: _nearest(self.supervisors, org_path))

    def robot_unit(self, org_path):
        """The nearest unit at or above the case that has a group robot URL."""
        def find():
            units = [u for u in self.robots if org_path.startswith(u.path)]
            return max(units, key=lambda u: len(u.path), default=None)
        return self._memo(("robot", org_path), find)

    def _memo(self, key, compute):
        if key not in self._cache:
            self._cache[key] = compute()
        return self._cache[key]


def _nearest(pairs, org_path, levels=1):
    """The users of the deepest `levels` units on the path that have any."""
    above = [(len(path), user) for user, path in pairs if org_path.startswith(path)]
    depths = sorted({length for length, _u in above}, reverse=True)[:levels]
    return [user for length, user in above if length in depths]
