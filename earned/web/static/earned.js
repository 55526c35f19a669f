// earned: small progressive enhancements. Every page works without this file.
"use strict";
document.addEventListener("DOMContentLoaded", () => {
  // Grounding countdown: updates a polite live region every 10 seconds.
  for (const el of document.querySelectorAll("[data-countdown]")) {
    let left = Number(el.dataset.countdown);
    const tick = () => {
      el.textContent = left > 0 ? `${left} seconds left. Take your time.` : "A minute has passed. Stay as long as you like.";
      left -= 10;
      if (left >= 0) window.setTimeout(tick, 10000);
    };
    tick();
  }
});

// ==== In the moment (/moment, /urge, home page) ====
(() => {
  const pad = (n) => String(n).padStart(2, "0");
  const localValue = (d) =>
    `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
  const clock = (s) => {
    const h = Math.floor(s / 3600), m = Math.floor((s % 3600) / 60), sec = s % 60;
    return h ? `${h}:${pad(m)}:${pad(sec)}` : `${m}:${pad(sec)}`;
  };
  // A datetime-local box holds local time; tell the server this browser's offset for it.
  const setOffset = (input) => {
    const tz = input.form && input.form.querySelector("[data-tz]");
    if (!tz) return;
    const chosen = input.value ? new Date(input.value) : new Date();
    tz.value = String((Number.isNaN(chosen.getTime()) ? new Date() : chosen).getTimezoneOffset());
  };
  const enhance = (root) => {
    for (const el of root.querySelectorAll("time[data-local]")) {
      const d = new Date(el.getAttribute("datetime"));
      if (!Number.isNaN(d.getTime())) {
        el.textContent = d.toLocaleString([], { day: "numeric", month: "short", hour: "2-digit", minute: "2-digit" });
      }
      el.removeAttribute("data-local");
    }
    for (const input of root.querySelectorAll("input[data-when]")) {
      if (input.dataset.utc) {
        const d = new Date(`${input.dataset.utc}:00Z`);
        if (!Number.isNaN(d.getTime())) input.value = localValue(d);
        delete input.dataset.utc;
      }
      input.max = localValue(new Date());
      setOffset(input);
      input.addEventListener("input", () => setOffset(input));
      input.removeAttribute("data-when");
    }
    for (const el of root.querySelectorAll("[data-js-only]")) el.hidden = false;
    for (const el of root.querySelectorAll("[data-elapsed]")) {
      // Ticks from the server's count, so a phone with a wrong clock still shows the truth.
      const base = Number(el.dataset.elapsed), start = performance.now();
      el.removeAttribute("data-elapsed");
      window.setInterval(() => { el.textContent = clock(base + Math.floor((performance.now() - start) / 1000)); }, 1000);
    }
    for (const box of root.querySelectorAll("input[data-emotion]")) {
      // Search results mirror the word's box on the quadrant map, both ways.
      const twin = [...document.querySelectorAll("input[data-emotion]")].find(
        (other) => other !== box && other.dataset.emotion === box.dataset.emotion);
      if (twin && root !== document) box.checked = twin.checked;
    }
  };
  document.addEventListener("change", (e) => {
    const box = e.target;
    if (!(box instanceof HTMLInputElement) || !box.dataset.emotion) return;
    for (const other of document.querySelectorAll("input[data-emotion]")) {
      if (other.dataset.emotion === box.dataset.emotion) other.checked = box.checked;
    }
  });
  document.addEventListener("input", (e) => {
    const form = e.target instanceof Element && e.target.closest("[data-pattern]");
    if (!form) return;
    const sentence = form.querySelector("[data-sentence]"), preview = form.querySelector("[data-preview]");
    const parts = [...sentence.childNodes].map((n) =>
      n.nodeType === Node.TEXT_NODE ? n.textContent : n.tagName === "INPUT" ? n.value.trim() || "…" : "");
    preview.textContent = parts.join("").replace(/\s+/g, " ").replace(/\s+([,.])/g, "$1").trim().replace(/…\.$/, "…");
  });
  document.addEventListener("keydown", (e) => {
    // Enter in the word search looks for words; it must not save the whole form.
    if (e.key === "Enter" && e.target instanceof Element && e.target.matches("[data-no-submit]")) e.preventDefault();
  });
  // Answers are saved the moment they are chosen, in queued requests that may still be on
  // their way when the page is submitted. Each save carries when its choice was made, and
  // the submit a later number still, so the server keeps the last choice, never a stale one.
  let seq = Date.now() * 1000;
  const nextSeq = () => (seq = Math.max(seq + 1, Date.now() * 1000));
  document.addEventListener("change", (e) => {
    // Capturing: runs before htmx's own handler issues (or queues) the save.
    if (e.target instanceof HTMLInputElement && e.target.closest("form[data-ordered]")) {
      e.target.dataset.seq = String(nextSeq());
    }
  }, true);
  document.addEventListener("htmx:configRequest", (e) => {
    const chosen = e.detail.elt.dataset && e.detail.elt.dataset.seq;
    if (chosen) e.detail.parameters.seq = chosen;
  });
  document.addEventListener("submit", (e) => {
    const field = e.target instanceof HTMLFormElement && e.target.querySelector("input[data-seq]");
    if (field) field.value = String(nextSeq());
  }, true);
  // At setup: the browser's time zone, so the server writes every time on the person's clock.
  document.addEventListener("DOMContentLoaded", () => {
    const field = document.querySelector("input[data-time-zone]");
    if (field) field.value = Intl.DateTimeFormat().resolvedOptions().timeZone || "";
  });
  // A refused peak/settled time comes back as the row with its message: show it in place.
  document.addEventListener("htmx:beforeSwap", (e) => {
    if (e.detail.xhr.status === 400 && e.detail.target.closest("[data-swap-errors]")) {
      e.detail.shouldSwap = true;
      e.detail.isError = false;
    }
  });
  document.addEventListener("htmx:afterSwap", (e) => enhance(e.detail.target.parentNode || document));
  document.addEventListener("DOMContentLoaded", () => enhance(document));
})();

// ==== Emotion map (a moment's page): the words placed by position, arrow keys, search ====
// Without this, the map is four groups of checkboxes. With it, .is-map lets the stylesheet
// place each word; one word at a time is in the tab order (a roving tabindex) and the arrow
// keys move to the nearest word that way on screen; typing in the search marks the matches.
(() => {
  const boxes = (map) => [...map.querySelectorAll("input[data-emotion]")];
  const tabStop = (map, chosen) => { for (const b of boxes(map)) b.tabIndex = b === chosen ? 0 : -1; };
  const centre = (box) => {
    const r = box.parentElement.getBoundingClientRect();
    return { x: r.left + r.width / 2, y: r.top + r.height / 2 };
  };
  // The nearest word in the arrow's direction, keeping to its row (or column) when it can:
  // a step sideways costs three times a step along.
  const towards = (map, from, key) => {
    const a = centre(from);
    let best = null, bestCost = Infinity;
    for (const box of boxes(map)) {
      if (box === from) continue;
      const b = centre(box), dx = b.x - a.x, dy = b.y - a.y;
      const [along, across] = { ArrowRight: [dx, dy], ArrowLeft: [-dx, dy], ArrowDown: [dy, dx], ArrowUp: [-dy, dx] }[key];
      if (along < 2) continue;
      const cost = along + 3 * Math.abs(across);
      if (cost < bestCost) { best = box; bestCost = cost; }
    }
    return best;
  };
  const chosenWords = (map) => boxes(map).filter((b) => b.checked).map((b) => b.value);
  const showChosen = (map) => {
    const note = map.closest("details")?.querySelector("[data-emotion-chosen]");
    if (!note) return;
    const own = document.getElementById("emotions-other");
    const typed = own ? own.value.split(",").map((w) => w.trim()).filter(Boolean) : [];
    note.textContent = [...chosenWords(map), ...typed].join(", ");
  };
  const start = (map) => {
    map.classList.add("is-map");
    for (const el of map.closest("fieldset")?.querySelectorAll(".map-only") || []) el.hidden = false;
    const all = boxes(map);
    tabStop(map, all.find((b) => b.checked) || all[0]);
  };
  // Home and End: the first and the last word of the map; Enter in the search field: the
  // first word it marks (rather than sending the form half-filled).
  const firstMatch = (map) => boxes(map).find((b) => b.parentElement.classList.contains("is-match"));
  document.addEventListener("keydown", (e) => {
    const box = e.target;
    if (e.altKey || e.ctrlKey || e.metaKey || !(box instanceof HTMLInputElement)) return;
    if (e.key === "Enter" && box.dataset.emotionFilter) {
      const map = document.getElementById(box.dataset.emotionFilter);
      const match = map && firstMatch(map);
      if (match) { e.preventDefault(); tabStop(map, match); match.focus(); }
      return;
    }
    const jump = e.key === "Home" || e.key === "End";
    if (!e.key.startsWith("Arrow") && !jump) return;
    const map = box.closest(".emap.is-map");
    if (!map || !box.dataset.emotion) return;
    e.preventDefault();  // the arrows move between words here, not the page
    const all = boxes(map);
    const next = jump ? (e.key === "Home" ? all[0] : all[all.length - 1]) : towards(map, box, e.key);
    if (next) { tabStop(map, next); next.focus(); }
  });
  document.addEventListener("focusin", (e) => {
    const map = e.target instanceof HTMLInputElement && e.target.closest(".emap.is-map");
    if (map && e.target.dataset.emotion) tabStop(map, e.target);
  });
  document.addEventListener("change", (e) => {
    const map = document.querySelector(".emap.is-map");
    if (map && e.target instanceof HTMLInputElement && (e.target.dataset.emotion || e.target.id === "emotions-other")) showChosen(map);
  });
  document.addEventListener("input", (e) => {
    const field = e.target;
    if (!(field instanceof HTMLInputElement) || !field.dataset.emotionFilter) return;
    const map = document.getElementById(field.dataset.emotionFilter);
    if (!map) return;
    const needle = field.value.trim().toLowerCase();
    map.classList.toggle("is-filtering", needle !== "");
    for (const box of boxes(map)) box.parentElement.classList.toggle("is-match", needle !== "" && box.value.includes(needle));
  });
  document.addEventListener("DOMContentLoaded", () => { for (const map of document.querySelectorAll("[data-emotion-map]")) start(map); });
})();
