// earned: the moving parts of the regulation pages (paced breathing, mindfulness timer).
// Every page works without this file: the rhythm is written out as text and a button logs
// the practice. Here we add the pacer and the countdown, and log the seconds actually done.
// No sound, no inline styles (the CSP forbids them): the circle moves with the Web
// Animations API, and not at all when the person prefers reduced motion.
"use strict";
(() => {
  const reduced = window.matchMedia("(prefers-reduced-motion: reduce)");
  const SMALL = 0.45;
  const BIG = 1;

  const clock = (seconds) => {
    const s = Math.max(0, Math.round(seconds));
    return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, "0")}`;
  };

  const spoken = (seconds) => {
    const m = Math.floor(seconds / 60);
    const s = seconds % 60;
    const parts = [];
    if (m) parts.push(`${m} minute${m === 1 ? "" : "s"}`);
    if (s || !m) parts.push(`${s} second${s === 1 ? "" : "s"}`);
    return parts.join(" ");
  };

  const newToken = () => {
    const bytes = new Uint8Array(16);
    window.crypto.getRandomValues(bytes);
    return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
  };

  // The page's own no-JS log form carries the CSRF token, the kind and a client token;
  // the server prefers `seconds` to `minutes` and answers 204 to this header.
  const logPractice = async (form, seconds) => {
    const body = new URLSearchParams(new FormData(form));
    body.delete("minutes");
    body.set("seconds", String(seconds));
    const response = await fetch(form.action, {
      method: "POST",
      body,
      credentials: "same-origin",
      headers: { "X-Earned-Js": "1" },
    });
    return response.ok;
  };

  // Start / Stop, progress, clock and logging, shared by the pacer and the timer.
  const session = (root, hooks) => {
    const total = Number(root.dataset.totalSeconds);
    const start = root.querySelector("[data-start]");
    const stop = root.querySelector("[data-stop]");
    const progress = root.querySelector("[data-progress]");
    const status = root.querySelector("[data-status]");
    const finished = root.querySelector("[data-finished]");
    const form = document.querySelector("[data-log-form]");
    if (!(total > 0) || !start || !stop) return;
    let began = 0;
    let interval = null;
    let wakeLock = null;

    root.hidden = false;
    for (const el of document.querySelectorAll("[data-no-js]")) el.hidden = true;

    const elapsed = () => Math.min((performance.now() - began) / 1000, total);

    const tick = () => {
      const t = elapsed();
      if (progress) progress.value = t;
      hooks.tick(t, total);
      if (t >= total) end(true);
    };

    const begin = async () => {
      began = performance.now();
      status.textContent = "";
      if (finished) finished.hidden = true;
      if (form) form.hidden = true;
      start.hidden = true;
      stop.hidden = false;
      stop.focus();
      hooks.start();
      tick();
      interval = window.setInterval(tick, 200);
      try {
        // Keep a phone's screen on while the person follows the pacer; optional.
        wakeLock = navigator.wakeLock ? await navigator.wakeLock.request("screen") : null;
      } catch {
        wakeLock = null;
      }
    };

    const end = async (complete) => {
      if (interval === null) return;
      window.clearInterval(interval);
      interval = null;
      const seconds = Math.floor(elapsed());
      hooks.stop(complete);
      if (wakeLock) wakeLock.release().catch(() => {});
      wakeLock = null;
      stop.hidden = true;
      start.hidden = false;
      start.textContent = "Start again";
      start.focus();
      if (complete && finished) finished.hidden = false;
      if (!form || seconds < 1) {
        if (form) form.hidden = false;
        return;
      }
      status.textContent = "Saving to your practice log…";
      let ok = false;
      try {
        ok = await logPractice(form, seconds);
      } catch {
        ok = false;
      }
      if (ok) {
        status.textContent = `Logged ${spoken(seconds)} in your practice log.`;
        const token = form.querySelector('[name="client_token"]');
        if (token) token.value = newToken(); // a next round is a new practice
      } else {
        status.textContent = "That could not be saved just now. You can log it with the button below.";
        form.hidden = false;
      }
    };

    start.addEventListener("click", begin);
    stop.addEventListener("click", () => end(false));
  };

  const pacer = (root) => {
    const items = Array.from(document.querySelectorAll("[data-rhythm] li"));
    const phases = items.map((li) => ({
      name: li.dataset.phase,
      seconds: Number.parseFloat(li.dataset.seconds),
      label: li.dataset.label,
      li,
    }));
    if (!phases.length || phases.some((p) => !(p.seconds > 0))) return;
    const cycle = phases.reduce((sum, p) => sum + p.seconds, 0);
    const circle = root.querySelector("[data-circle]");
    const text = root.querySelector("[data-phase-text]");
    const count = root.querySelector("[data-count]");
    const clockEl = root.querySelector("[data-clock]");
    const words = (selector) => (root.querySelector(selector)?.textContent || "").trim();
    const readyMotion = words("[data-motion-text]");
    const readyStill = words("[data-still-text]");
    let running = false;
    let serial = -1;
    let scale = SMALL;
    let animation = null;

    const readyText = () => {
      if (!running) text.textContent = reduced.matches ? readyStill : readyMotion;
    };
    const still = () => {
      if (animation) animation.cancel();
      animation = null;
      scale = SMALL;
    };
    readyText();
    reduced.addEventListener("change", () => {
      readyText();
      if (reduced.matches) still();
    });

    // Grow on "in", shrink on "out", stay put on a hold; only when motion is welcome.
    const move = (phase, left) => {
      if (reduced.matches || !circle || !circle.animate) return;
      const to = phase.name === "in" ? BIG : phase.name === "out" ? SMALL : scale;
      if (to === scale) return;
      if (animation) animation.cancel();
      animation = circle.animate(
        [{ transform: `scale(${scale})` }, { transform: `scale(${to})` }],
        { duration: left * 1000, easing: "ease-in-out", fill: "forwards" },
      );
      scale = to;
    };

    session(root, {
      start() {
        running = true;
        serial = -1;
        still();
      },
      tick(t, total) {
        if (clockEl) clockEl.textContent = `${clock(t)} of ${clock(total)}`;
        const round = Math.floor(t / cycle);
        let into = t - round * cycle;
        let i = 0;
        while (i < phases.length - 1 && into >= phases[i].seconds) {
          into -= phases[i].seconds;
          i += 1;
        }
        const phase = phases[i];
        const n = round * phases.length + i;
        if (n !== serial) {
          serial = n;
          for (const p of phases) p.li.classList.toggle("current", p === phase);
          text.textContent = phase.label;
          move(phase, phase.seconds - into);
        }
        count.textContent = String(Math.min(Math.floor(into) + 1, Math.ceil(phase.seconds)));
      },
      stop(complete) {
        running = false;
        still();
        for (const p of phases) p.li.classList.remove("current");
        count.textContent = "";
        if (complete) text.textContent = "That's the time.";
        else readyText();
      },
    });
  };

  const timer = (root) => {
    const clockEl = root.querySelector("[data-clock]");
    session(root, {
      start() {},
      tick(t, total) {
        clockEl.textContent = clock(total - t);
      },
      stop(complete) {
        if (!complete) return;
        clockEl.textContent = "0:00";
      },
    });
  };

  document.addEventListener("DOMContentLoaded", () => {
    for (const root of document.querySelectorAll("[data-pacer]")) pacer(root);
    for (const root of document.querySelectorAll("[data-timer]")) timer(root);
  });
})();
