// earned: what a phone saves while earned cannot be reached, sent once it can.
//
// A quick capture (POST /moment), an urge timer started and ended offline (sent whole:
// POST /urge/whole) and the end of a timer started online (POST /urge/<id>/end) wait in
// this browser's IndexedDB ("earned-offline"), each with its repeat-guard token and the
// phone's time when it happened. The server saves a resend once (earned/tokens.py), so
// an item is removed only after earned answered that it is saved. While the journal is
// locked, or a form's token has expired, items wait and the page says so; nothing is
// dropped without the person choosing it. Every page works without this file; see
// docs/architecture.md ("The app on a phone").
"use strict";
(() => {
  if ("serviceWorker" in navigator) {
    window.addEventListener("load", () => {
      navigator.serviceWorker.register("/sw.js", { scope: "/" }).catch(() => {});
    });
  }
  if (!("indexedDB" in window)) return;

  const WORDS = {
    waiting: (n) => `${n} saved on this phone, sending when you're back online.`,
    locked: (n) => `${n} saved on this phone, waiting until you unlock earned (or sign in). They stay here meanwhile.`,
    expired: (n) => `${n} saved on this phone could not be sent yet: please open earned and unlock it (or sign in), and they will go.`,
    refused: "earned could not save this one from the phone:",
    letGo: "Let this one go",
    sent: (n) => `${n} sent from this phone and saved in your journal.`,
    care: "Something you wrote on the phone sounds very hard. You do not have to carry it alone:",
    help: "Get help now",
    running: "An urge timer is running on this phone.",
    open: "Open it",
    unlock: "Open earned",
    what: { moment: "a moment", whole: "an urge timer", end: "the end of an urge timer" },
  };

  // --- the store: one object per item, keyed by its repeat-guard token ---------------------
  const opened = () => new Promise((resolve, reject) => {
    const request = indexedDB.open("earned-offline", 1);
    request.onupgradeneeded = () => request.result.createObjectStore("queue", { keyPath: "token" });
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
  const withStore = async (mode, act) => {
    const db = await opened();
    try {
      return await new Promise((resolve, reject) => {
        const tx = db.transaction("queue", mode);
        const request = act(tx.objectStore("queue"));
        tx.oncomplete = () => resolve(request.result);
        tx.onerror = () => reject(tx.error);
      });
    } finally {
      db.close();
    }
  };
  const all = () => withStore("readonly", (s) => s.getAll());
  const put = (item) => withStore("readwrite", (s) => s.put(item));
  const remove = (token) => withStore("readwrite", (s) => s.delete(token));

  const newToken = () => [...crypto.getRandomValues(new Uint8Array(16))]
    .map((b) => b.toString(16).padStart(2, "0")).join("");
  const field = (form, name) => {
    const el = form.elements.namedItem(name);
    return el && "value" in el ? el.value : "";
  };
  const pad = (n) => String(n).padStart(2, "0");
  const clock = (s) => {
    const h = Math.floor(s / 3600), m = Math.floor((s % 3600) / 60), sec = s % 60;
    return h ? `${h}:${pad(m)}:${pad(sec)}` : `${m}:${pad(sec)}`;
  };

  // --- keeping a form's write -------------------------------------------------------------
  const END = /^\/urge\/[0-9a-f]{32}\/end$/;
  const kindOf = (form) => {
    const action = form.getAttribute("action") || "";
    if (action === "/moment") return "moment";
    if (action === "/urge") return "urge";
    if (action === "/urge/whole") return "whole";
    return END.test(action) ? "end" : null;
  };
  const newest = (items, state) => items.filter((i) => i.state === state)
    .sort((a, b) => a.made.localeCompare(b.made)).pop();

  // Returns whether something was kept.
  const keep = async (kind, form, submitter) => {
    const now = new Date().toISOString();
    const chosen = submitter && submitter.name ? submitter.value : "";
    const csrf = field(form, "csrf");
    if (kind === "moment") {
      const token = field(form, "client_token") || newToken();
      await put({ token, kind, url: "/moment", csrf, made: now, state: "waiting",
        fields: { intensity: chosen, at: now } });
      return true;
    }
    if (kind === "urge") {
      const urge = (submitter && submitter.name === "urge" ? chosen : field(form, "custom")).trim();
      if (!urge) return false;
      const token = field(form, "client_token") || newToken();
      await put({ token, kind: "whole", url: "/urge/whole", csrf, made: now, state: "running",
        fields: { urge, started: now } });
      return true;
    }
    if (kind === "whole") {
      const timer = newest(await all(), "running");
      if (!timer) return false;
      timer.fields = { ...timer.fields, ended: now, outcome: chosen };
      timer.state = "waiting";
      await put(timer);
      return true;
    }
    const url = form.getAttribute("action");
    await put({ token: `end-${url.split("/")[2]}`, kind, url, csrf, made: now, state: "waiting",
      fields: { outcome: chosen, at: now } });
    return true;
  };

  document.addEventListener("submit", (e) => {
    const form = e.target;
    if (!(form instanceof HTMLFormElement)) return;
    const kind = kindOf(form);
    const always = Boolean(form.closest("[data-queue-here]"));
    if (!kind || (!always && navigator.onLine)) return;
    e.preventDefault();
    keep(kind, form, e.submitter)
      .then((kept) => { if (kept) window.location.assign("/offline"); })
      .catch(() => { if (!always) form.submit(); });
  });

  // --- what the person sees ---------------------------------------------------------------
  const note = () => {
    let el = document.querySelector("[data-queue-status]");
    if (el) return el;
    const main = document.querySelector("main");
    if (!main) return null;
    el = document.createElement("div");
    el.className = "queue-note";
    el.setAttribute("role", "status");
    el.dataset.queueStatus = "";
    main.prepend(el);
    return el;
  };
  const line = (el, text, href, label) => {
    const p = document.createElement("p");
    p.textContent = text;
    if (href) {
      const a = document.createElement("a");
      a.href = href;
      a.textContent = label;
      p.append(" ", a);
    }
    el.append(p);
    return p;
  };
  const show = async (sent, care = false) => {
    const items = await all();
    const el = note();
    if (!el) return;
    el.replaceChildren();
    const count = (state) => items.filter((i) => i.state === state).length;
    const onOfflinePage = Boolean(document.querySelector("[data-urge-running]"));
    if (sent) line(el, WORDS.sent(sent));
    if (care) line(el, WORDS.care, "/help", WORDS.help);
    if (count("waiting")) line(el, WORDS.waiting(count("waiting")));
    if (count("locked")) line(el, WORDS.locked(count("locked")), signIn(), WORDS.unlock);
    if (count("expired")) line(el, WORDS.expired(count("expired")), signIn(), WORDS.unlock);
    for (const item of items.filter((i) => i.state === "refused")) {
      const p = line(el, `${WORDS.refused} ${WORDS.what[item.kind] || ""}. ${item.message || ""}`);
      const button = document.createElement("button");
      button.type = "button";
      button.className = "secondary";
      button.textContent = WORDS.letGo;
      button.addEventListener("click", () => remove(item.token).then(() => show(0)));
      p.append(" ", button);
    }
    if (count("running") && !onOfflinePage) line(el, WORDS.running, "/offline", WORDS.open);
    el.hidden = el.childElementCount === 0;
    showTimer(items);
  };

  let ticking = 0;
  const showTimer = (items) => {
    const box = document.querySelector("[data-urge-running]");
    if (!box) return;
    const timer = newest(items, "running");
    const start = document.querySelector("[data-urge-start]");
    box.hidden = !timer;
    if (start) start.hidden = Boolean(timer);
    window.clearInterval(ticking);
    if (!timer) return;
    box.querySelector("[data-urge-name]").textContent = timer.fields.urge;
    const shown = box.querySelector("[data-urge-clock]"), began = Date.parse(timer.fields.started);
    const tick = () => { shown.textContent = clock(Math.max(0, Math.floor((Date.now() - began) / 1000))); };
    tick();
    ticking = window.setInterval(tick, 1000);
  };

  // --- sending ----------------------------------------------------------------------------
  // This browser's session as earned sees it now: unlocked or not, and the token its forms
  // carry (a page of earned, read without showing it). Throws without a connection.
  // Where this earned signs a browser in: /unlock for a journal of one's own, /login on a
  // server with accounts (base.html says which on <body>).
  const signIn = () => document.body.dataset.signIn || "/unlock";
  const session = async () => {
    const response = await fetch("/help", { credentials: "same-origin", cache: "no-store" });
    const doc = new DOMParser().parseFromString(await response.text(), "text/html");
    const headers = JSON.parse(doc.body.getAttribute("hx-headers") || "{}");
    const open = doc.querySelector('form[action="/lock"], form[action="/logout"]');
    return { unlocked: Boolean(open), csrf: headers["X-CSRF-Token"] || "" };
  };
  const messageOf = (html) => {
    const doc = new DOMParser().parseFromString(html, "text/html");
    return (doc.querySelector(".message") || doc.querySelector("main p") || { textContent: "" }).textContent.trim();
  };

  let sending = false;
  const flush = async () => {
    if (sending) return;
    sending = true;
    let sent = 0, care = false;
    try {
      const ready = (await all()).filter((i) => ["waiting", "locked", "expired"].includes(i.state))
        .sort((a, b) => a.made.localeCompare(b.made));
      if (!ready.length) return;
      const now = await session();
      if (!now.unlocked) {
        for (const item of ready) await put({ ...item, state: "locked" });
        return;
      }
      for (const item of ready) {
        const body = new URLSearchParams({ ...item.fields, csrf: now.csrf || item.csrf });
        if (item.kind !== "end") body.set("client_token", item.token);
        const response = await fetch(item.url, { method: "POST", body, credentials: "same-origin" });
        if (["/unlock", "/login"].includes(new URL(response.url).pathname)) {
          await put({ ...item, state: "locked" });
        } else if (response.status === 403) {
          await put({ ...item, state: "expired" });
        } else if (response.ok) {
          await remove(item.token);
          sent += 1;
          // earned read the words as it does any form's: words that suggest danger bring
          // the care panel's address (care=1), shown here since this page stays.
          if (new URL(response.url).searchParams.get("care") === "1") care = true;
        } else if (response.status >= 500) {
          break;  // not saved; tried again on the next page or when the connection returns
        } else {
          await put({ ...item, state: "refused", message: messageOf(await response.text()) });
        }
      }
    } catch {
      // Still no connection: everything stays, and is tried again when it returns.
    } finally {
      sending = false;
      await show(sent, care);
    }
  };

  document.addEventListener("DOMContentLoaded", () => {
    for (const form of document.querySelectorAll("[data-queue-here] form")) {
      const token = form.querySelector('input[name="client_token"]');
      if (token) token.value = newToken();
    }
    show(0).then(() => { if (navigator.onLine) flush(); });
  });
  window.addEventListener("online", () => { flush(); });
  window.addEventListener("offline", () => { show(0); });
})();
