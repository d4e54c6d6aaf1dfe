"""The baseline's plain Jinja templates: the markup of templates/cases/index.html and show.html."""

LAYOUT = """<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{ title }} · 动迁登记跟踪</title><link rel="stylesheet" href="/static/css/app.css"></head>
<body><header class="topbar"><a class="brand" href="/">动迁登记跟踪</a></header>
<main class="page">{{ content|safe }}</main></body></html>"""

DUE_PAGE = """{% set content %}
<h1>今日待办 <small>共{{ total }}件</small></h1>
<p class="summary">
  {% if overdue %}<b class="late">逾期{{ overdue }}件</b>{% endif %}
  {% if soon %}<span class="soon-count">7天内到期{{ soon }}件</span>{% endif %}
  {% if waiting %}<a class="waiting-count" href="/?view=waiting">另有{{ waiting }}件等待他人（审核或对方接收），不计入逾期</a>{% endif %}
</p>
{% if incoming %}<a class="notice notice-incoming" href="/?view=incoming">有{{ incoming }}件移交等待本单位接收 ›</a>{% endif %}
<nav class="tabs" aria-label="列表">
  {% for view, text in [('due', '待我办理'), ('soon', '逾期及临期'), ('waiting', '等待他人'), ('all', '全部'), ('incoming', '待本单位接收')] %}
  <a href="/?view={{ view }}"{% if view == 'due' %} class="active" aria-current="page"{% endif %}>{{ text }}{% if view == 'incoming' and incoming %} <span class="count">{{ incoming }}</span>{% elif view == 'waiting' and waiting %} <span class="count count-muted">{{ waiting }}</span>{% endif %}</a>
  {% endfor %}
</nav>
<details class="filters"><summary>筛选</summary>
  <form method="get" action="/" class="filter-form"><input type="hidden" name="view" value="due">
    <label>状态<select name="state"><option value="">全部状态</option>
      {% for s, zh in states.items() %}<option value="{{ s }}">{{ zh }}</option>{% endfor %}</select></label>
    <label>社区/支部<select name="unit"><option value="">全部单位</option>
      {% for id, name in units %}<option value="{{ id }}">{{ name }}</option>{% endfor %}</select></label>
    <label>项目<select name="project"><option value="">全部项目</option>
      {% for id, name in projects %}<option value="{{ id }}">{{ name }}</option>{% endfor %}</select></label>
    <div class="filter-buttons"><button type="submit" class="primary">筛选</button>
      <a class="button" href="/?view=due">清除</a></div>
  </form>
</details>
<ul class="cases">
  {% for id, name, id_masked, state, label, due, css, late, where in rows %}
  <li class="case-row due-{{ css }}" data-case="{{ id }}">
    <a href="/cases/{{ id }}">
      <span class="name">{{ name }}</span>
      <span class="state state-{{ state }}">{{ label }}</span>
      <span class="idno">{{ id_masked }}</span>
      <span class="due">期限 {{ due }} <b class="badge badge-{{ css }}">{{ late }}</b></span>
      <span class="where">{{ where }}</span>
    </a>
  </li>
  {% else %}<li class="empty">没有待办的案件</li>{% endfor %}
</ul>
<nav class="pager"><span></span>
  {% if next_cursor %}<a class="button" rel="next" href="/?view=due&after={{ next_cursor }}">下一页 ›</a>{% endif %}
</nav>
{% endset %}""" + LAYOUT.replace("{{ title }}", "今日待办")

CASE_PAGE = """{% set content %}
<section class="card person"><h1>{{ case[7] }} <span class="state state-{{ case[1] }}">{{ state_label }}</span></h1>
  <dl class="facts">
    <dt>身份证号</dt><dd class="idno">{{ case[8] }}</dd>
    <dt>性别/出生</dt><dd>{{ '男' if case[13] == 'M' else '女' }} · {{ birth }}</dd>
    <dt>身份</dt><dd>{{ '党员' if case[9] else '居民' }}</dd>
    {% if case[9] %}<dt>组织生活提醒</dt><dd class="member-reminders">{{ '已退订' if case[15] else '接收' }}</dd>{% endif %}
    <dt>项目</dt><dd>{{ case[10] }}</dd>
    <dt>所属组织</dt><dd>{{ case[11] }}</dd>
    <dt>责任人</dt><dd>{{ case[12] or '未指定' }}</dd>
    <dt>下一期限</dt><dd>{% if due %}{{ due }} <b class="badge badge-{{ badge[0] }}">{{ badge[1] }}</b>{% else %}无{% endif %}</dd>
    {% if case[16] and (case[17] or case[18]) %}<dt>移交</dt><dd class="handover-info">
      {{ '回迁安置' if case[16] == 'resettle' else '组织关系转出' }} → {{ case[17] or case[18] }}
      {% if case[19] %} · 回执 {{ case[19] }}{% endif %}</dd>{% endif %}
    {% if case[20] %}<dt>最近的原因</dt><dd class="reason">{{ case[20] }}</dd>{% endif %}
  </dl></section>
{% if actions %}<section class="card actions"><h2>可执行的操作</h2><div class="action-buttons">
  {% for trigger, label in actions %}<a class="button action" data-trigger="{{ trigger }}" href="/cases/{{ case[0] }}/{{ trigger }}">{{ label }}</a>{% endfor %}
</div></section>{% endif %}
<section class="card household-of-case"><h2>家庭户{% if household %}{% if household[0] %} · {{ household[0] }}{% endif %}{% endif %}</h2>
  {% if household %}<ul class="household-members">
  {% for case_id, is_head, name, id_masked, state, state_label, linked in household[1] %}
  <li class="member" data-case="{{ case_id }}">{% if linked %}<a href="/cases/{{ case_id }}">{{ name }}</a>{% else %}<span>{{ name }}</span>{% endif %}
    {% if is_head %}<b class="badge head">户主</b>{% endif %}
    <span class="idno">{{ id_masked }}</span>
    <span class="state state-{{ state }}">{{ state_label }}</span></li>
  {% endfor %}</ul>{% else %}<p class="hint">未登记家庭户</p>{% endif %}
</section>
<section class="card"><h2>三个一</h2><ul class="checks">
  <li class="{{ 'done' if visited else 'todo' }}" data-item="visit">入户走访 <span class="date">{{ visited or '未完成' }}</span></li>
  <li class="{{ 'done' if card else 'todo' }}" data-item="card">联系卡 <span class="date">{{ card or '未发放' }}</span></li>
  <li class="{{ 'done' if group else 'todo' }}" data-item="group">联络群
    <span class="date">{% if group %}{{ case[5] }} · {{ group }}{% else %}未加入{% endif %}</span></li>
</ul></section>
<section class="card"><h2>五必登</h2><ul class="registers">
  {% for item, status, label, problem, summary in registers %}
  <li class="reg reg-{{ status }}" data-item="{{ item }}"><b>{{ label }}</b>
    <span class="reg-status">{{ {'complete': '完整', 'missing': '缺失'}.get(status, '无效') }}</span>
    {% if summary %}<span class="reg-value">{{ summary }}</span>{% endif %}
    {% if problem and status == 'invalid' %}<span class="problem">{{ problem }}</span>{% endif %}</li>
  {% endfor %}</ul></section>
<section class="card"><h2>联系与流转记录</h2><ol class="timeline">
  {% for at, kind, title, detail, actor in timeline %}
  <li class="event event-{{ kind }}"><time>{{ at }}</time>
    <b>{{ title }}</b>{% if actor %} <span class="actor">{{ actor }}</span>{% endif %}
    {% if detail %}<p>{{ detail }}</p>{% endif %}</li>
  {% else %}<li class="empty">暂无联系记录</li>{% endfor %}
</ol></section>
{% endset %}""" + LAYOUT.replace("{{ title }}", "{{ case[7] }}")
