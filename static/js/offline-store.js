// The phone's offline store, shared by the pages (offline.js) and the service worker (sw.js):
// IndexedDB "dongqian-offline" holds the queue of items captured without a connection and a
// few marks (whose phone, the last online contact); the Cache API holds the pages.
(function (scope) {
  "use strict";
  var DB = "dongqian-offline";
  var PAGES = "dongqian-pages-v1";   // the due list, its cases' pages and their forms (masked)
  var STATIC = "dongqian-static-v1"; // the app's CSS and JS (no personal data)

  function open() {
    return new Promise(function (resolve, reject) {
      var request = indexedDB.open(DB, 1);
      request.onupgradeneeded = function () {
        request.result.createObjectStore("queue", {keyPath: "client_id"});
        request.result.createObjectStore("marks");
      };
      request.onsuccess = function () { resolve(request.result); };
      request.onerror = function () { reject(request.error); };
    });
  }

  // One transaction on one store; the connection is closed after it, so a wipe is never blocked.
  function run(store, mode, action) {
    return open().then(function (db) {
      return new Promise(function (resolve, reject) {
        var tx = db.transaction(store, mode);
        var request = action(tx.objectStore(store));
        tx.oncomplete = function () { db.close(); resolve(request ? request.result : undefined); };
        tx.onerror = tx.onabort = function () { db.close(); reject(tx.error); };
      });
    });
  }

  function deleteCaches(names) {
    return caches.keys().then(function (keys) {
      return Promise.all(keys.filter(function (key) { return names.indexOf(key) >= 0; })
        .map(function (key) { return caches.delete(key); }));
    });
  }

  scope.OfflineStore = {
    PAGES: PAGES,
    STATIC: STATIC,
    items: function () {
      return run("queue", "readonly", function (s) { return s.getAll(); }).then(function (all) {
        return all.sort(function (a, b) { return a.seq - b.seq; });
      });
    },
    put: function (item) { return run("queue", "readwrite", function (s) { return s.put(item); }); },
    remove: function (id) { return run("queue", "readwrite", function (s) { return s.delete(id); }); },
    mark: function (key, value) { return run("marks", "readwrite", function (s) { return s.put(value, key); }); },
    read: function (key) { return run("marks", "readonly", function (s) { return s.get(key); }); },
    // The cached pages only (a session that ended on the server): what was typed stays queued.
    wipePages: function () { return deleteCaches([PAGES]); },
    // Everything: logout, OFFLINE_MAX_DAYS passed, offline work turned off.
    wipeAll: function () {
      return deleteCaches([PAGES, STATIC]).then(function () {
        return new Promise(function (resolve) {
          var request = indexedDB.deleteDatabase(DB);
          request.onsuccess = request.onerror = request.onblocked = function () { resolve(); };
        });
      });
    }
  };
})(self);
