"""The baseline's SQL: the statements workflow/reports/due_list.py and timeline.py send, as text.

`{under}` is the subtree match the real pages use (workflow/subtree.py): GLOB 'path*'
on SQLite, LIKE 'path%' on PostgreSQL; `?` becomes the driver's placeholder. The
templates are in bench/baseline_templates.py.
"""

from workflow.models.contact import KINDS as CONTACT_KINDS
from workflow.models.contact import OUTCOMES as CONTACT_OUTCOMES
from workflow.models.registration import ITEMS as REGISTER_ITEMS

ITEMS = {item: pair[0] for item, pair in REGISTER_ITEMS.items()}
KINDS = {kind: pair[0] for kind, pair in CONTACT_KINDS.items()}
OUTCOMES = {kind: pair[0] for kind, pair in CONTACT_OUTCOMES.items()}
ADDRESS_KINDS = {"transitional": "过渡住址", "resettlement": "安置住址"}

# The due list ("待办" tab, first page): worklist.page()'s ids from the index, then
# worklist._rows() (only the columns the list shows, as plain rows), counts() (the list's
# counts and the handovers waiting, one statement), and the filter form's units and projects
# (worklist.filter_choices).
DUE_IDS = """
SELECT cases.id FROM cases
WHERE cases.org_path {under} ? AND cases.next_due_at IS NOT NULL AND cases.next_due_at IS NOT NULL
  AND cases.state NOT IN {waiting}
ORDER BY cases.next_due_at, cases.id LIMIT ?
"""
DUE_ROWS = """
SELECT cases.id, cases.state, cases.next_due_at, people.name, people.id_masked, projects.name, org_units.name
FROM cases JOIN people ON people.id = cases.person_id JOIN projects ON projects.id = cases.project_id
JOIN org_units ON org_units.id = cases.org_unit_id
WHERE cases.id IN ({ids})
"""
DUE_COUNTS = """
SELECT listed.total, listed.overdue, listed.soon,
       (SELECT count(*) FROM cases WHERE cases.handover_to_path IS NOT NULL AND cases.handover_to_path {under} ?),
       (SELECT count(*) FROM cases WHERE cases.org_path {under} ? AND cases.state IN {waiting})
FROM (SELECT count(*) AS total, coalesce(sum(CASE WHEN cases.next_due_at <= ? THEN 1 ELSE 0 END), 0) AS overdue,
             coalesce(sum(CASE WHEN cases.next_due_at > ? AND cases.next_due_at <= ? THEN 1 ELSE 0 END), 0) AS soon
      FROM cases WHERE cases.org_path {under} ? AND cases.next_due_at IS NOT NULL
        AND cases.state NOT IN {waiting}) AS listed
"""
CHOICES = """
SELECT 0 AS kind, id, name, path AS sort FROM org_units WHERE path LIKE ?
UNION ALL SELECT 1, id, name, '' FROM projects ORDER BY kind, sort, id
"""

# The case page: the case with what it shows of its person, project, units and worker
# (the ORM loads these one by one; a careful hand joins them), then case_page.context():
# the current 五必登 (registration.statuses) and the timeline's three histories.
CASE = """
SELECT c.id, c.state, c.next_due_at, c.visited_at, c.card_issued_at, c.group_name, c.group_joined_at,
       p.name, p.id_masked, p.is_party_member, pr.name, u.name, w.display_name,
       p.gender, p.birth_date, p.reminder_opt_out, c.handover_kind, hu.name, c.handover_external,
       c.receipt_number, c.last_reason
FROM cases c JOIN people p ON p.id = c.person_id JOIN projects pr ON pr.id = c.project_id
JOIN org_units u ON u.id = c.org_unit_id LEFT JOIN users w ON w.id = c.worker_id
LEFT JOIN org_units hu ON hu.id = c.handover_to_unit_id
WHERE c.id = ? AND c.org_path {under} ?
"""
ENTRY_COLUMNS = """e.item, e.address, e.address_kind, e.phone, e.backup_name, e.backup_phone, e.workplace,
       e.work_city, ou.name, e.org_note, e.org_unit_id"""
ENTRIES = f"""
SELECT {ENTRY_COLUMNS}
FROM registration_entries e LEFT JOIN org_units ou ON ou.id = e.org_unit_id
WHERE e.case_id = ? AND e.is_current
"""
HISTORY = """
SELECT h.at, h.trigger, h.to_state, h.reason, u.display_name
FROM transition_records h LEFT JOIN users u ON u.id = h.actor_id
WHERE h.case_id = ? ORDER BY h.at
"""
CONTACTS = """
SELECT l.contacted_at, l.kind, l.outcome, l.met_with, l.notes, u.display_name
FROM contact_logs l LEFT JOIN users u ON u.id = l.user_id
WHERE l.case_id = ? ORDER BY l.contacted_at
"""
REGISTERS = f"""
SELECT e.recorded_at, e.source, u.display_name, {ENTRY_COLUMNS}
FROM registration_entries e LEFT JOIN org_units ou ON ou.id = e.org_unit_id
LEFT JOIN users u ON u.id = e.recorded_by_id
WHERE e.case_id = ? ORDER BY e.recorded_at
"""
# The case's household (家庭户): its members with name, masked ID, state and 户主, head first.
HOUSEHOLD = """
SELECT h.id, h.number, o.case_id, o.is_head, p.name, p.id_masked, c.state, c.org_path
FROM household_members m JOIN households h ON h.id = m.household_id
JOIN household_members o ON o.household_id = h.id JOIN cases c ON c.id = o.case_id
JOIN people p ON p.id = c.person_id
WHERE m.case_id = ? ORDER BY o.is_head DESC, o.id
"""
