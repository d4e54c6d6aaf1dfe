"""Probe every id-taking route with ids from other subtrees, and every page with tampered parameters."""

from tests.support.security.formdata import plausible_form
from tests.support.security.routes import all_rules, build, int_args, methods, variants
from tests.support.security.world import (
    NOT_SCOPED,
    RESOLVERS,
    own_values,
    resource_of,
    secrets_of,
    sign_in,
    snapshot,
    visible,
)

MISSING = 10**9  # an id no table holds
TAMPER_PARAMS = ("case_id", "unit_id", "org_unit_id", "unit", "worker_id", "user_id", "person_id",
                 "branch_id", "community_id")


def id_rules(app):
    """Rules that take an object id (an <int:...> argument)."""
    return [rule for rule in all_rules(app) if int_args(rule)]


def values_for(rule, case, viewer):
    """Return ({arg: id}, problem): the ids of the case's objects this rule's arguments name."""
    values = {}
    for arg in int_args(rule):
        resource = resource_of(rule, arg)
        if resource in NOT_SCOPED:
            values[arg] = 1
            continue
        if resource not in RESOLVERS:
            return None, (f"{rule.rule}: no resolver for <int:{arg}> (resource {resource!r}); add it to "
                          "RESOLVERS/ALIASES in tests/security/world.py, or NOT_SCOPED if not subtree-bound")
        values[arg] = RESOLVERS[resource](case, viewer)
        if values[arg] is None:
            return None, None
    return values, None


def pick_targets(viewer, cases):
    """One case per state from outside the viewer's subtree, from varied subtrees, by state."""
    chosen = {}
    for case in sorted(cases, key=lambda c: (c.id * 7919) % 101):
        if not visible(viewer, case):
            chosen.setdefault(case.state, case)
    return sorted(chosen.values(), key=lambda c: c.state)


class Matrix:
    """Roles × units × id routes × foreign ids: every probe must answer 404, leak and change nothing."""

    def __init__(self, app, synth, viewers, cases):
        self.app, self.synth, self.viewers, self.cases = app, synth, viewers, cases
        self.failures, self.probed, self.secrets = [], {}, {}
        self.states = {}  # rule -> the states of the foreign cases it was probed with
        self.last = {}  # case id -> its snapshot after the last probe: the next probe's "before"

    def run(self):
        rules = id_rules(self.app)
        for viewer, targets in zip(self.viewers, self.shared_targets(), strict=True):
            client = self.app.test_client()
            sign_in(client, viewer)
            for rule in rules:
                # Each foreign case of the viewer's share, and each trigger/item/option of the rule, at least once.
                options = variants(self.app, rule)
                for i in range(max(len(options), len(targets)) if targets else 0):
                    self.probe_rule(client, viewer, rule, targets[i % len(targets)], options[i % len(options)])
        for rule in rules:
            if not self.probed.get(rule.rule) and not any(rule.rule in f for f in self.failures):
                self.failures.append(f"{rule.rule}: never probed (no foreign object of its kind in the seed)")
        return self.failures

    def shared_targets(self):
        """The viewers share the foreign states: each state goes to one viewer that has a foreign
        case in it (in turn), so together they probe each rule with every state, each viewer with
        at least one, for a third of the requests of every viewer probing every state."""
        by_viewer = [{c.state: c for c in pick_targets(v, self.cases)} for v in self.viewers]
        shares = [[] for _ in self.viewers]
        for i, state in enumerate(sorted(set().union(*by_viewer))):
            turns = [(i + j) % len(shares) for j in range(len(shares))]
            k = next(k for k in turns if state in by_viewer[k])
            shares[k].append(by_viewer[k][state])
        for share, foreign in zip(shares, by_viewer, strict=True):
            if not share and foreign:
                share.append(next(iter(foreign.values())))
        return shares

    def probe_rule(self, client, viewer, rule, case, option):
        values, problem = values_for(rule, case, viewer)
        if problem and problem not in self.failures:
            self.failures.append(problem)
        if values is None:
            return
        for method in methods(rule, skip=("OPTIONS", "HEAD")):
            self.probe(client, viewer, rule, method, {**option, **values}, case)

    def probe(self, client, viewer, rule, method, values, case):
        url = build(rule, values)
        data = None if method == "GET" else plausible_form(self.synth, case)
        before = self.last.get(case.id) or snapshot(case)
        response = client.open(url, method=method, data=data)
        self.probed[rule.rule] = self.probed.get(rule.rule, 0) + 1
        self.states.setdefault(rule.rule, set()).add(case.state)
        who = f"{viewer.role}@{viewer.org_unit.name} {method} {url} (case {case.id} {case.state})"
        status = response.status_code
        if status != 404 and not (status == 403 and self.refused_for_role(client, rule, method, values, case)):
            self.failures.append(f"{who}: answered {status}, not 404")
        if case.id not in self.secrets:
            self.secrets[case.id] = secrets_of(case)
        body = response.get_data(as_text=True)
        leaked = [s for s in self.secrets[case.id] if s in body]
        if leaked:
            self.failures.append(f"{who}: body shows {leaked}")
        after = self.last[case.id] = snapshot(case)
        if after != before:  # a change since this case's last probe (each probe is checked at once after it)
            changed = {k: (before[k], after[k]) for k in before if before[k] != after[k]}
            self.failures.append(f"{who}: changed {changed}")

    def refused_for_role(self, client, rule, method, values, case):
        """A 403 is no oracle when an id that does not exist gets the same 403."""
        missing = {**values, **{arg: MISSING for arg in int_args(rule)}}
        data = None if method == "GET" else plausible_form(self.synth, case)
        return client.open(build(rule, missing), method=method, data=data).status_code == 403


def tampered_pages(app, viewers, cases):
    """GET every page without an id, with foreign ids in the query string; return leaks and 5xx."""
    failures = []
    rules = [r for r in all_rules(app) if not r.arguments and "GET" in r.methods]
    for viewer in viewers:
        foreign = [c for c in cases if not visible(viewer, c)]
        if not foreign:
            continue
        client = app.test_client()
        sign_in(client, viewer)
        target = foreign[0]
        params = {name: target.id if "case" in name else target.org_unit_id for name in TAMPER_PARAMS}
        params.update(worker_id=target.worker_id, user_id=target.worker_id, person_id=target.person_id)
        secrets = {s for case in foreign for s in secrets_of(case)}
        for rule in rules:
            response = client.get(build(rule), query_string=params)
            body = response.get_data(as_text=True)
            leaked = sorted(s for s in secrets if s in body)
            if response.status_code >= 500 or leaked:
                failures.append(f"{viewer.role}@{viewer.org_unit.name} GET {rule.rule}?{params}: "
                                f"{response.status_code} {leaked[:5]}")
    return failures


def pages(app, client, user, case, query=None):
    """GET every page (not static files) with in-scope ids and every variant of its other
    arguments; yield (rule, url, response)."""
    for rule in all_rules(app):
        if rule.endpoint == "static" or "GET" not in rule.methods:
            continue
        for option in variants(app, rule):
            url = build(rule, {**option, **own_values(rule, case, user, int_args)})
            response = client.get(url, query_string=query)
            yield rule, url, response
            response.close()
