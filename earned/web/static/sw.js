// earned's service worker: keeps the app shell so the offline page works without a
// connection, and keeps nothing private. Served at /sw.js by earned/web/routes/phone.py,
// which fills in VERSION (a digest of the shell's files) and SHELL.
//
// - The shell (styles, scripts, icons, the manifest, the offline page) is fetched without
//   cookies at install and answered from this cache; the offline page is the one a locked
//   browser gets, so no copy holds anything of the journal.
// - Pages are fetched from earned each time and kept nowhere (they are no-store): with no
//   connection, a page asked for is answered with the offline page, not an old copy.
// - Writes (POST) are left alone: the page's offline.js keeps them while offline.
// - A new version installs its own cache and removes the older ones on activate.
"use strict";
const VERSION = "__VERSION__";
const SHELL = ["__SHELL__"];
const CACHE = `earned-shell-${VERSION}`;
const OFFLINE = "/offline";
const KEPT = new Set(SHELL);

self.addEventListener("install", (event) => {
  const requests = SHELL.map((url) => new Request(url, { cache: "reload", credentials: "omit" }));
  event.waitUntil(
    caches.open(CACHE).then((cache) => cache.addAll(requests)).then(() => self.skipWaiting()));
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches.keys()
      .then((names) => Promise.all(
        names.filter((name) => name.startsWith("earned-") && name !== CACHE).map((name) => caches.delete(name))))
      .then(() => self.clients.claim()));
});

const fromShell = (path) => caches.open(CACHE).then((cache) => cache.match(path));

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET") return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (request.mode === "navigate") {
    event.respondWith(
      fetch(request).catch(() => fromShell(OFFLINE).then((page) => page || Response.error())));
    return;
  }
  if (KEPT.has(url.pathname) && url.search === "") {
    event.respondWith(fromShell(url.pathname).then((kept) => kept || fetch(request)));
  }
});
