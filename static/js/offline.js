// Offline work on the page (docs/offline.md): registers the service worker, marks a page
// opened from the phone's copy ("离线 · 数据截至 HH:MM"), queues the visit, follow-up and
// 五必登 forms while offline (IndexedDB, with the case's version and a client id), shows
// "待同步", sends the queue in order when the connection returns, and shows conflicts,
// refusals and field errors. Wipes the phone's copies at logout and after OFFLINE_MAX_DAYS.
/* global OfflineStore */
(function () {
  "use strict";
  var boot = JSON.parse(document.querySelector("meta[name=offline-boot]").content);
  var T = boot.texts;
  var FORM = /^\/cases\/(\d+)\/(visit|follow-up|registration)$/;
  var KINDS = {"visit": "visit", "follow-up": "contact", "registration": "registration"};
  var copyMark = document.querySelector("meta[name=offline-copy]");
  var offlineCopy = copyMark ? Number(copyMark.content) : 0;
  var syncing = false;

  function hhmm(ms) {
    return new Intl.DateTimeFormat("zh-CN", {timeZone: "Asia/Shanghai", hour: "2-digit", minute: "2-digit",
                                             hourCycle: "h23"}).format(new Date(ms));
  }
  function el(tag, cls, text) {
    var node = document.createElement(tag);
    if (cls) node.className = cls;
    if (text !== undefined) node.textContent = text;
    return node;
  }
  function notice(cls, text) {
    var main = document.querySelector("main.page");
    var old = main.querySelector(".offline-note." + cls);
    if (old) old.remove();
    var node = el("p", "offline-note " + cls, text);
    node.setAttribute("role", "status");
    main.insertBefore(node, main.firstChild);
    return node;
  }
  function isOffline() { return !navigator.onLine || offlineCopy > 0; }

  if (!("serviceWorker" in navigator) || !window.indexedDB) return;

  if (!boot.enabled) {  // offline work turned off: drop the worker and every copy on this phone
    navigator.serviceWorker.getRegistrations().then(function (all) {
      all.forEach(function (r) { r.unregister(); });
    });
    OfflineStore.wipeAll();
    return;
  }
  if (!boot.user) {  // the login page: a session ended, so the copied pages go
    if (location.pathname === "/login") OfflineStore.wipePages();
    return;
  }

  // ---- the queue on the page ----------------------------------------------------------
  function mine(items) { return items.filter(function (i) { return i.user === boot.user; }); }

  function showPending(items) {
    var pending = {};
    items.forEach(function (i) { (pending[i.case_id] = pending[i.case_id] || []).push(T[i.kind] || i.kind); });
    document.querySelectorAll("li.case-row[data-case]").forEach(function (row) {
      var old = row.querySelector(".offline-pending");
      if (old) old.remove();
      if (pending[row.dataset.case]) row.querySelector("a").appendChild(el("span", "badge offline-pending", T.pending));
    });
    var here = location.pathname.match(/^\/cases\/(\d+)$/);
    var old = document.querySelector("p.offline-pending");
    if (old) old.remove();
    if (here && pending[here[1]]) {
      var person = document.querySelector("section.person") || document.querySelector("main.page").firstChild;
      var line = el("p", "offline-pending", T.pending + "：" + pending[here[1]].join("、"));
      person.parentNode.insertBefore(line, person);
    }
  }

  function describeServer(server) {
    var list = el("dl", "offline-server");
    [[T.state, server.state], [T.changed, new Date(server.updated_at).toLocaleString("zh-CN", {timeZone: "Asia/Shanghai"})],
     [T.last, server.last_contact ? [server.last_contact.kind, server.last_contact.outcome,
       new Date(server.last_contact.at).toLocaleDateString("zh-CN", {timeZone: "Asia/Shanghai"}),
       server.last_contact.by].join(" · ") : "—"]].forEach(function (pair) {
      list.appendChild(el("dt", "", pair[0]));
      list.appendChild(el("dd", "", pair[1]));
    });
    return list;
  }
  function describeYours(item) {
    var list = el("dl", "offline-yours");
    Object.keys(item.fields).forEach(function (name) {
      if (!item.fields[name]) return;
      list.appendChild(el("dt", "", (item.labels && item.labels[name]) || name));
      list.appendChild(el("dd", "", (item.shown && item.shown[name]) || item.fields[name]));
    });
    return list;
  }
  function button(text, cls, action) {
    var b = el("button", "button small " + cls, text);
    b.type = "button";
    b.addEventListener("click", action);
    return b;
  }

  function render() {
    return OfflineStore.items().then(mine).then(function (items) {
      showPending(items);
      var old = document.getElementById("offline-queue");
      if (old) old.remove();
      var stuck = items.filter(function (i) { return i.status !== "pending"; });
      if (!stuck.length) return;
      var box = el("section", "card offline-queue");
      box.id = "offline-queue";
      box.appendChild(el("h2", "", T.title));
      stuck.forEach(function (item) {
        var row = el("div", "offline-item offline-" + item.status);
        row.dataset.client = item.client_id;
        row.appendChild(el("h3", "", (T[item.kind] || item.kind) + (item.title ? " · " + item.title : "")));
        if (item.status === "conflict") {
          row.appendChild(el("p", "", T.conflict));
          row.appendChild(el("h4", "", T.server));
          row.appendChild(describeServer(item.server));
          row.appendChild(el("h4", "", T.yours));
          row.appendChild(describeYours(item));
          row.appendChild(button(T.mine, "primary use-mine", function () {
            item.status = "pending";
            item.force = true;
            OfflineStore.put(item).then(render).then(syncQueue);
          }));
        } else if (item.status === "invalid") {
          row.appendChild(el("p", "", T.invalid));
          var errors = el("ul", "errors");
          Object.keys(item.errors || {}).forEach(function (name) {
            errors.appendChild(el("li", "", ((item.labels && item.labels[name]) || name) + "：" + item.errors[name]));
          });
          row.appendChild(errors);
          var edit = el("a", "button small primary edit-item", T.edit);
          edit.href = item.action + "#offline=" + item.client_id;
          row.appendChild(edit);
        } else {
          row.appendChild(el("p", "", T.refused + (item.message || "")));
        }
        row.appendChild(button(T.discard, "secondary discard", function () {
          OfflineStore.remove(item.client_id).then(render);
        }));
        box.appendChild(row);
      });
      var main = document.querySelector("main.page");
      main.insertBefore(box, main.firstChild);
    });
  }

  // ---- capture --------------------------------------------------------------------------
  function labelsOf(form) {
    var labels = {};
    form.querySelectorAll("label[for]").forEach(function (label) {
      var field = document.getElementById(label.htmlFor);
      if (field && field.name) labels[field.name] = label.textContent.trim();
    });
    form.querySelectorAll("fieldset").forEach(function (set) {
      var legend = set.querySelector("legend");
      var input = set.querySelector("input[name]");
      if (legend && input && !labels[input.name]) labels[input.name] = legend.textContent.trim();
    });
    return labels;
  }

  // What a choice looked like on the screen (its label, not its value), for the conflict view.
  function shownOf(form) {
    var shown = {};
    form.querySelectorAll("input[type=radio]:checked, input[type=checkbox]:checked").forEach(function (input) {
      var label = input.closest("label") || form.querySelector("label[for='" + input.id + "']");
      if (label) shown[input.name] = label.textContent.trim();
    });
    form.querySelectorAll("select").forEach(function (select) {
      if (select.selectedIndex >= 0 && select.value) shown[select.name] = select.options[select.selectedIndex].text;
    });
    return shown;
  }

  function queue(form, match, replaces) {
    var fields = {};
    var version = null;
    new FormData(form).forEach(function (value, name) {
      if (name === "version") version = Number(value);
      else if (name !== "csrf_token") fields[name] = String(value);
    });
    var who = document.querySelector(".case-head .who-line b");
    var item = {client_id: crypto.randomUUID(), seq: Date.now(), user: boot.user, case_id: Number(match[1]),
                version: version, kind: KINDS[match[2]], action: location.pathname + location.search,
                fields: fields, labels: labelsOf(form), shown: shownOf(form), status: "pending",
                title: who ? who.textContent.trim() : ""};
    var done = replaces ? OfflineStore.remove(replaces) : Promise.resolve();
    return done.then(function () { return OfflineStore.put(item); }).then(function () {
      location.assign("/cases/" + match[1] + "?queued=1");
    });
  }

  document.addEventListener("submit", function (event) {
    var form = event.target;
    var action = new URL(form.action, location.href);
    if (action.pathname === "/logout") {  // logout: nothing of the cases stays on the phone
      if (form.dataset.wiped) return;
      event.preventDefault();
      OfflineStore.wipeAll().then(function () { form.dataset.wiped = "1"; form.submit(); });
      return;
    }
    var match = action.pathname.match(FORM);
    if (!match || form.method.toLowerCase() !== "post") return;
    var replaces = form.dataset.replaces;
    if (isOffline()) {
      event.preventDefault();
      queue(form, match, replaces);
    } else if (replaces) {
      OfflineStore.remove(replaces);  // sent online again: the queued copy is done with
    }
  });

  // An item the server refused on a field: its form again, as typed, the error at the field.
  function reopen() {
    var wanted = location.hash.match(/^#offline=([0-9a-f-]{36})$/);
    if (!wanted) return;
    OfflineStore.items().then(function (items) {
      var item = items.filter(function (i) { return i.client_id === wanted[1]; })[0];
      var form = document.querySelector("main form[method=post]:not(.inline)");
      if (!item || !form) return;
      form.dataset.replaces = item.client_id;
      Object.keys(item.fields).forEach(function (name) {
        form.querySelectorAll("[name='" + name + "']").forEach(function (field) {
          if (field.type === "radio" || field.type === "checkbox") field.checked = field.value === item.fields[name];
          else field.value = item.fields[name];
        });
      });
      var first = null;
      Object.keys(item.errors || {}).forEach(function (name) {
        var field = form.querySelector("[name='" + name + "']");
        if (!field) return;
        var id = (field.id || name) + "-error";
        var old = document.getElementById(id);
        if (old) old.remove();
        var message = el("p", "error", item.errors[name]);
        message.id = id;
        field.setAttribute("aria-invalid", "true");
        field.setAttribute("aria-describedby", id);
        var after = field.type === "radio" || field.type === "checkbox" ? field.closest("fieldset") || field : field;
        after.insertAdjacentElement("afterend", message);
        first = first || field;
      });
      if (first) { first.scrollIntoView({block: "center"}); first.focus({preventScroll: true}); }
    });
  }

  // ---- catching up ----------------------------------------------------------------------
  function payload(item) {
    return {client_id: item.client_id, case_id: item.case_id, version: item.version, kind: item.kind,
            fields: item.fields, force: item.force === true};
  }

  function sessionEnded() {
    return OfflineStore.wipePages().then(function () { location.assign("/login"); });
  }

  function syncQueue() {
    if (syncing || !navigator.onLine) return Promise.resolve();
    syncing = true;
    var sent = 0;
    return OfflineStore.items().then(mine).then(function (items) {
      var pending = items.filter(function (i) { return i.status === "pending"; });
      if (!pending.length) return null;
      return fetch("/offline/session", {headers: {Accept: "application/json"}, cache: "no-store"})
        .then(function (probe) {
          if (probe.status === 401) return sessionEnded();
          if (!probe.ok) return null;
          return probe.json().then(function (state) {
            return pending.reduce(function (done, item) {  // in order, one at a time
              return done.then(function (stop) { return stop || send(item, state.csrf, pending); });
            }, Promise.resolve(false));
          });
        });
    }).then(function () {
      if (sent) notice("offline-synced", T.synced.replace("{n}", sent));
    }).catch(function () { /* still no connection: the queue stays */ }).then(function () {
      syncing = false;
      return render();
    });

    function send(item, csrf, pending) {
      return fetch("/offline/sync", {method: "POST", cache: "no-store",
        headers: {"Content-Type": "application/json", Accept: "application/json", "X-CSRFToken": csrf},
        body: JSON.stringify({items: [payload(item)]})}).then(function (response) {
        if (response.status === 401) return sessionEnded().then(function () { return true; });
        if (response.status === 400 || response.status === 413) {  // this item can never be read
          item.status = "refused";
          item.message = String(response.status);
          return OfflineStore.put(item).then(function () { return false; });
        }
        if (!response.ok) return true;  // the server is not well: stop, everything stays queued
        return response.json().then(function (answer) {
          var result = answer.results[0];
          if (result.status === "applied" || result.status === "duplicate") {
            sent += 1;
            var was = item.version;
            pending.forEach(function (later) {  // captured on top of this one: not someone else's change
              if (later !== item && later.case_id === item.case_id && later.version === was && result.version) {
                later.version = result.version;
              }
            });
            return OfflineStore.remove(item.client_id).then(function () { return false; });
          }
          item.status = result.status;
          item.server = result.server || null;
          item.errors = result.errors || null;
          item.message = result.message || "";
          item.force = false;
          return OfflineStore.put(item).then(function () { return false; });
        });
      });
    }
  }

  // ---- start ----------------------------------------------------------------------------
  function start() {
    var wiped = false;
    OfflineStore.read("user").then(function (owner) {
      if (owner !== undefined && owner !== boot.user) return OfflineStore.wipeAll();  // another worker's phone
    }).then(function () {
      return OfflineStore.read("online");
    }).then(function (lastOnline) {
      if (lastOnline && Date.now() - lastOnline > boot.maxDays * 86400000) {
        wiped = true;  // too long offline: nothing of the cases stays, and nothing is opened again
        return OfflineStore.wipeAll().then(function () { throw new Error("wiped"); });
      }
    }).then(function () {
      if (offlineCopy) {
        notice("offline-copy", T.offline.replace("{time}", hhmm(offlineCopy)));
        // Only the three queued forms work without signal (显示完整号码 and the rest need one).
        document.querySelectorAll("main form").forEach(function (form) {
          if (!new URL(form.action, location.href).pathname.match(FORM)) {
            form.querySelectorAll("button, input, select, textarea").forEach(function (f) { f.disabled = true; });
          }
        });
      } else {
        return OfflineStore.mark("user", boot.user).then(function () {
          return OfflineStore.mark("online", Date.now());
        });
      }
    }).then(function () {
      if (/[?&]queued=1/.test(location.search)) notice("offline-queued", T.queued);
      reopen();
      return render();
    }).then(function () {
      if (!offlineCopy) return syncQueue();
    }).then(register, function () {
      if (!wiped) register();
    });
  }

  function register() {
    if (offlineCopy) return;
    navigator.serviceWorker.register(boot.worker + "?days=" + boot.maxDays, {scope: "/"}).then(function () {
      return navigator.serviceWorker.ready;
    }).then(function (registration) {
      if (location.pathname !== "/" || !registration.active) return;
      registration.active.postMessage({type: "due-list"});
    }).catch(function () {});
  }

  navigator.serviceWorker.addEventListener("message", function (event) {
    if (event.data && event.data.type === "cached") {
      var line = notice("offline-ready", T.ready.replace("{time}", hhmm(event.data.at)));
      line.dataset.cases = event.data.cases;
    }
  });
  window.addEventListener("online", function () {
    offlineCopy = 0;
    document.querySelectorAll("main form [disabled]").forEach(function (f) { f.disabled = false; });
    document.querySelectorAll(".offline-note.offline-copy, .offline-note.offline-queued").forEach(function (note) {
      note.remove();
    });
    syncQueue();
  });
  window.addEventListener("offline", function () { render(); });
  start();
})();
