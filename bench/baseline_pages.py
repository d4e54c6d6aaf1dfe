"""The baseline's SQL and templates: the same queries and rows as web/cases.py's pages."""

from workflow.models.contact import KINDS as CONTACT_KINDS
from workflow.models.contact import OUTCOMES as CONTACT_OUTCOMES
from workflow.models.registration import ITEMS as REGISTER_ITEMS

ITEMS = {item: pair[0] for item, pair in REGISTER_ITEMS.items()}
KINDS = {kind: pair[0] for kind, pair in CONTACT_KINDS.items()}
OUTCOMES = {kind: pair[0] for kind, pair in CONTACT_OUTCOMES.items()}

# The due list: the statements web/cases.py's index() sends (every case column is
# fetched, as the ORM does): the page's ids from the index, then those rows joined.
DUE_ROWS = """
SELECT cases.id, cases.state, cases.next_due_at, people.name, people.id_masked, projects.name, cases.*
FROM cases JOIN people ON people.id = cases.person_id JOIN projects ON projects.id = cases.project_id
WHERE cases.id IN (SELECT cases.id FROM cases WHERE cases.org_path LIKE ? AND cases.next_due_at IS NOT NULL
                   ORDER BY cases.next_due_at, cases.id LIMIT ? OFFSET ?)
ORDER BY cases.next_due_at, cases.id
"""
DUE_COUNT = "SELECT count(*) FROM (SELECT cases.* FROM cases WHERE cases.org_path LIKE ?) AS anon_1"

# The case page: the same rows, in as few statements as a careful hand would write.
CASE = """
SELECT c.id, c.state, c.next_due_at, c.visited_at, c.card_issued_at, c.group_name, c.group_joined_at,
       p.name, p.id_masked, p.is_party_member, pr.name, u.name, w.display_name
FROM cases c JOIN people p ON p.id = c.person_id JOIN projects pr ON pr.id = c.project_id
JOIN org_units u ON u.id = c.org_unit_id LEFT JOIN users w ON w.id = c.worker_id
WHERE c.id = ? AND c.org_path LIKE ?
"""
ENTRIES = """
SELECT e.item, e.address, e.address_kind, e.phone, e.backup_name, e.backup_phone, e.workplace,
       e.work_city, ou.name, e.org_note
FROM registration_entries e LEFT JOIN org_units ou ON ou.id = e.org_unit_id
WHERE e.case_id = ? AND e.is_current
"""
CONTACTS = "SELECT contacted_at, kind, outcome, notes FROM contact_logs WHERE case_id = ? ORDER BY contacted_at DESC"
HISTORY = """
SELECT h.at, h.from_state, h.to_state, h.reason, u.display_name
FROM transition_records h LEFT JOIN users u ON u.id = h.actor_id
WHERE h.case_id = ? ORDER BY h.at DESC, h.id DESC
"""

LAYOUT = """<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{ title }} · 动迁登记跟踪</title><link rel="stylesheet" href="/static/css/app.css"></head>
<body><header class="topbar"><a class="brand" href="/">动迁登记跟踪</a></header>
<main class="page">{{ content|safe }}</main></body></html>"""

DUE_PAGE = """{% set content %}
<h1>今日待办 <small>共{{ total }}件</small></h1>
<ul class="cases">
  {% for id, name, id_masked, state, label, due, late, project in rows %}
  <li class="case-row{% if late is not none %} overdue{% endif %}">
    <a href="/cases/{{ id }}">
      <span class="name">{{ name }}</span>
      <span class="idno">{{ id_masked }}</span>
      <span class="state state-{{ state }}">{{ label }}</span>
      <span class="due">期限 {{ due }}
        {% if late is not none %}<b class="late">逾期{{ late }}天</b>{% endif %}</span>
      <span class="project">{{ project }}</span>
    </a>
  </li>
  {% else %}<li class="empty">没有待办的案件</li>{% endfor %}
</ul>
<nav class="pager">
  {% if page > 1 %}<a href="/?page={{ page - 1 }}">上一页</a>{% endif %}
  {% if has_next %}<a href="/?page={{ page + 1 }}">下一页</a>{% endif %}
</nav>
{% endset %}""" + LAYOUT.replace("{{ title }}", "今日待办")

CASE_PAGE = """{% set content %}
<section class="card"><h1>{{ case[7] }} <span class="state state-{{ case[1] }}">{{ state_label }}</span></h1>
  <dl class="facts">
    <dt>身份证号</dt><dd class="idno">{{ case[8] }}</dd>
    <dt>身份</dt><dd>{{ '党员' if case[9] else '居民' }}</dd>
    <dt>项目</dt><dd>{{ case[10] }}</dd>
    <dt>所属组织</dt><dd>{{ case[11] }}</dd>
    <dt>责任人</dt><dd>{{ case[12] or '未指定' }}</dd>
    <dt>下一期限</dt><dd>{{ due or '无' }}</dd>
  </dl></section>
<section class="card"><h2>三个一</h2><ul class="checks">
  <li class="{{ 'done' if visited else 'todo' }}">入户走访 {{ visited }}</li>
  <li class="{{ 'done' if card else 'todo' }}">联系卡 {{ card }}</li>
  <li class="{{ 'done' if group else 'todo' }}">联络群 {{ case[5] or '' }} {{ group }}</li>
</ul></section>
<section class="card"><h2>五必登</h2><ul class="registers">
  {% for label, item, e, problem in registers %}
  <li class="reg reg-{{ 'complete' if not problem else ('missing' if not e else 'invalid') }}"><b>{{ label }}</b>
    {% if e %}{% if item in ('original_address', 'destination_address') %}{{ e[1] }}
    {% elif item == 'contact' %}{{ e[3] }}{% if e[4] %}；备用 {{ e[4] }} {{ e[5] }}{% endif %}
    {% elif item == 'workplace' %}{{ e[6] }} {{ e[7] or '' }}
    {% elif item == 'org_relation' %}{{ e[8] or e[9] }}{% endif %}{% endif %}
    {% if problem %}<span class="problem">{{ problem }}</span>{% endif %}</li>
  {% endfor %}</ul></section>
{% if actions %}<section class="card actions"><h2>可执行的操作</h2>
  {% for trigger, label in actions %}<span class="action" data-trigger="{{ trigger }}">{{ label }}</span>{% endfor %}
</section>{% endif %}
<section class="card"><h2>联系记录</h2><ul class="timeline">
  {% for at, kind, outcome, notes in contacts %}
  <li>{{ at }} · {{ kind }} · {{ outcome }}{% if notes %} · {{ notes }}{% endif %}</li>
  {% else %}<li class="empty">暂无联系记录</li>{% endfor %}</ul>
  <h2>流转记录</h2><ul class="timeline">
  {% for at, actor, a, b, reason in history %}
  <li>{{ at }} · {{ actor or '' }} · {% if a %}{{ a }} → {% endif %}{{ b }}{% if reason %} · 原因：{{ reason }}{% endif %}</li>
  {% endfor %}</ul></section>
{% endset %}""" + LAYOUT.replace("{{ title }}", "{{ case[7] }}")
