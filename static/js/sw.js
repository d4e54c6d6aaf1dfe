// The service worker (served as /sw.js, scope /): keeps the worker's due list and the pages
// of the cases on it for use without a connection, and queues a visit, follow-up or 五必登
// form whose POST cannot reach the server. Never caches a POST response (so never /reveal),
// nor any page but those. docs/offline.md.
/* global OfflineStore */
importScripts("/static/js/offline-store.js");

var MAX_DAYS = Number(new URL(self.location.href).searchParams.get("days")) || 3;
var CASE_PAGE = /^\/cases\/(\d+)$/;
var CASE_FORM = /^\/cases\/(\d+)\/(visit|follow-up|registration)$/;
var KINDS = {"visit": "visit", "follow-up": "contact", "registration": "registration"};
var MAX_CASES = 50;
var FRESH_MS = 2 * 60 * 1000;  // going back and forth between the list and a case refetches nothing

self.addEventListener("install", function () { self.skipWaiting(); });
self.addEventListener("activate", function (event) {
  event.waitUntil(caches.keys().then(function (keys) {
    return Promise.all(keys.filter(function (key) {
      return key.indexOf("dongqian-") === 0 && key !== OfflineStore.PAGES && key !== OfflineStore.STATIC;
    }).map(function (key) { return caches.delete(key); }));
  }).then(function () { return self.clients.claim(); }));
});

function cachedAt(response) { return Number(response.headers.get("X-Offline-Cached-At")) || 0; }

// A copy to keep, stamped with the time it was fetched (the pages say "数据截至 HH:MM").
function stamped(response) {
  return response.blob().then(function (body) {
    var headers = new Headers(response.headers);
    headers.set("X-Offline-Cached-At", String(Date.now()));
    return new Response(body, {status: response.status, statusText: response.statusText, headers: headers});
  });
}

function keep(path, response) {
  if (!response.ok || response.type !== "basic" || response.redirected) return Promise.resolve();
  return stamped(response).then(function (copy) {
    return caches.open(OfflineStore.PAGES).then(function (cache) { return cache.put(path, copy); });
  });
}

// A session that ended on the server answers every page with a redirect to the login page.
function sessionEnded(response) {
  return response.type === "opaqueredirect" ||
    (response.redirected && new URL(response.url).pathname === "/login");
}

function get(path) {
  return fetch(path, {credentials: "same-origin", redirect: "follow", cache: "no-store"});
}

function staticAssets(html) {
  var found = html.match(/\/static\/[^"'?#\s]+/g) || [];
  return caches.open(OfflineStore.STATIC).then(function (cache) {
    return Promise.all(found.filter(function (v, i) { return found.indexOf(v) === i; }).map(function (url) {
      return fetch(url).then(function (r) { if (r.ok) return cache.put(url, r); }).catch(function () {});
    }));
  });
}

// A case page and the forms it links to (visit, follow-up with its outcome, 五必登).
function keepCase(id, html) {
  var forms = html.match(new RegExp('href="(/cases/' + id + '/(?:visit|follow-up|registration)[^"]*)"', "g")) || [];
  return Promise.all(forms.map(function (attr) {
    var path = attr.slice(6, -1).replace(/&amp;/g, "&");
    return get(path).then(function (r) { return keep(path, r); }).catch(function () {});
  }));
}

function refreshCase(id) {
  var path = "/cases/" + id;
  return get(path).then(function (response) {
    if (sessionEnded(response)) return OfflineStore.wipePages();
    return response.clone().text().then(function (html) {
      return keep(path, response).then(function () { return keepCase(id, html); });
    });
  });
}

// A copy fetched in the last FRESH_MS is kept as it is (a case seen online renews its own).
function fresh(id) {
  return caches.open(OfflineStore.PAGES).then(function (cache) { return cache.match("/cases/" + id); })
    .then(function (hit) { return Boolean(hit) && Date.now() - cachedAt(hit) < FRESH_MS; });
}

// After an online visit of 今日待办: keep it, the pages of the cases on it, and nothing else.
function refreshDueList() {
  return get("/").then(function (response) {
    if (sessionEnded(response)) return OfflineStore.wipePages().then(function () { return null; });
    return response.clone().text().then(function (html) {
      var ids = [];
      (html.match(/data-case="(\d+)"/g) || []).forEach(function (attr) {
        var id = attr.slice(11, -1);
        if (ids.indexOf(id) < 0 && ids.length < MAX_CASES) ids.push(id);
      });
      return keep("/", response).then(function () { return staticAssets(html); }).then(function () {
        return caches.open(OfflineStore.PAGES);
      }).then(function (cache) {
        return cache.keys().then(function (requests) {  // cases no longer on the list are dropped
          return Promise.all(requests.map(function (request) {
            var match = new URL(request.url).pathname.match(/^\/cases\/(\d+)/);
            if (match && ids.indexOf(match[1]) < 0) return cache.delete(request);
          }));
        });
      }).then(function () {
        return ids.reduce(function (done, id) {  // one at a time: the server is shared
          return done.then(function () { return fresh(id); }).then(function (isFresh) {
            if (!isFresh) return refreshCase(id).catch(function () {});
          });
        }, Promise.resolve());
      }).then(function () { return {at: Date.now(), cases: ids.length}; });
    });
  });
}

self.addEventListener("message", function (event) {
  if (!event.data || event.data.type !== "due-list") return;
  event.waitUntil(refreshDueList().then(function (done) {
    if (done && event.source) event.source.postMessage({type: "cached", at: done.at, cases: done.cases});
  }).catch(function () {}));
});

// The copy kept of a page, marked as such for offline.js; older than OFFLINE_MAX_DAYS: wiped.
function fromCache(request, url) {
  return caches.open(OfflineStore.PAGES).then(function (cache) {
    return cache.match(url.pathname + url.search).then(function (hit) {
      return hit || cache.match(url.pathname, {ignoreSearch: true});
    });
  }).then(function (hit) {
    if (!hit) return Response.error();
    if (Date.now() - cachedAt(hit) > MAX_DAYS * 86400000) {
      return OfflineStore.wipeAll().then(function () { return Response.error(); });
    }
    return hit.text().then(function (html) {
      var mark = '<meta name="offline-copy" content="' + cachedAt(hit) + '">';
      return new Response(html.replace("<head>", "<head>" + mark),
                          {status: 200, headers: {"Content-Type": "text/html; charset=utf-8"}});
    });
  });
}

function page(event, url) {
  var match = url.pathname.match(CASE_PAGE);
  return fetch(event.request).then(function (response) {
    if (sessionEnded(response)) {
      event.waitUntil(OfflineStore.wipePages());
    } else if (match && response.ok) {  // a kept case seen online: its copy and forms are renewed
      event.waitUntil(caches.open(OfflineStore.PAGES).then(function (cache) {
        return cache.match(url.pathname);
      }).then(function (hit) { if (hit) return refreshCase(match[1]); }).catch(function () {}));
    }
    return response;
  }).catch(function () { return fromCache(event.request, url); });
}

// A form POST that cannot reach the server is queued like one caught by offline.js.
function queueForm(event, url, match) {
  var copy = event.request.clone();
  return fetch(event.request).catch(function () {
    return Promise.all([copy.formData(), OfflineStore.read("user")]).then(function (got) {
      var fields = {};
      var version = null;
      got[0].forEach(function (value, name) {
        if (name === "version") version = Number(value);
        else if (name !== "csrf_token") fields[name] = String(value);
      });
      return OfflineStore.put({client_id: self.crypto.randomUUID(), seq: Date.now(), user: got[1],
                               case_id: Number(match[1]), version: version, kind: KINDS[match[2]],
                               action: url.pathname, fields: fields, labels: {}, status: "pending",
                               title: ""});
    }).then(function () { return Response.redirect("/cases/" + match[1] + "?queued=1", 303); });
  });
}

self.addEventListener("fetch", function (event) {
  var url = new URL(event.request.url);
  if (url.origin !== self.location.origin) return;
  if (event.request.method === "POST") {
    var match = url.pathname.match(CASE_FORM);
    if (match && event.request.mode === "navigate") event.respondWith(queueForm(event, url, match));
    return;  // nothing a POST answers is ever kept
  }
  if (event.request.method !== "GET") return;
  if (url.pathname.indexOf("/static/") === 0) {
    event.respondWith(fetch(event.request).catch(function () {
      return caches.open(OfflineStore.STATIC).then(function (cache) {
        return cache.match(url.pathname).then(function (hit) { return hit || Response.error(); });
      });
    }));
  } else if (url.pathname === "/" || CASE_PAGE.test(url.pathname) || CASE_FORM.test(url.pathname)) {
    if (event.request.mode === "navigate") event.respondWith(page(event, url));
  }
});
