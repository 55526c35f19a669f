// earned: the moving parts of the regulation pages (paced breathing, mindfulness timer).
// Every page works without this file: the rhythm is written out as text and a button logs
// the practice. Here we add the pacer and the countdown, and log the seconds actually done.
// No inline styles (the CSP forbids them): the circle and the box dot move with the Web
// Animations API, and not at all when the person prefers reduced motion. Sound is made
// here with the Web Audio API (no audio file is fetched), and only if the person leaves it
// on; the choices are remembered on this device only.
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

  // ---- bells: a soft struck bell and short tones, made from sine partials ----
  const PREFS = "earned.bells";
  const loadPrefs = () => {
    try {
      return JSON.parse(window.localStorage.getItem(PREFS) || "{}") || {};
    } catch {
      return {};
    }
  };
  const savePrefs = (prefs) => {
    try {
      window.localStorage.setItem(PREFS, JSON.stringify(prefs));
    } catch {
      /* private mode: the choice lasts for this page only */
    }
  };
  let audio = null;
  const context = () => {
    const Audio = window.AudioContext || window.webkitAudioContext;
    if (!Audio) return null;
    if (!audio) audio = new Audio();
    if (audio.state === "suspended") audio.resume().catch(() => {});
    return audio;
  };
  const TONES = {
    bell: { partials: [[432, 1], [1192, 0.35], [2333, 0.12]], peak: 0.22, length: 4.5 },
    in: { partials: [[528, 1], [1056, 0.15]], peak: 0.1, length: 0.9 },
    out: { partials: [[396, 1], [792, 0.15]], peak: 0.1, length: 0.9 },
    hold: { partials: [[462, 1]], peak: 0.06, length: 0.6 },
  };
  const sound = (kind) => {
    const a = context();
    const tone = TONES[kind] || TONES.bell;
    if (!a) return;
    const now = a.currentTime;
    const master = a.createGain();
    master.gain.setValueAtTime(0.0001, now);
    master.gain.exponentialRampToValueAtTime(tone.peak, now + 0.02);
    master.gain.exponentialRampToValueAtTime(0.0001, now + tone.length);
    master.connect(a.destination);
    for (const [frequency, level] of tone.partials) {
      const osc = a.createOscillator();
      const gain = a.createGain();
      osc.type = "sine";
      osc.frequency.value = frequency;
      gain.gain.value = level;
      osc.connect(gain).connect(master);
      osc.start(now);
      osc.stop(now + tone.length + 0.1);
    }
  };
  const buzz = (pattern) => {
    try {
      if (navigator.vibrate) navigator.vibrate(pattern);
    } catch {
      /* no vibration here */
    }
  };

  // The Sound fieldset of this page (regulate/_bells.html), or cues that do nothing.
  const cues = () => {
    const box = document.querySelector("[data-bells]");
    if (!box) return { start() {}, end() {}, along() {}, breath() {}, every: () => 0 };
    box.hidden = false;
    const ends = box.querySelector("[data-bell-ends]");
    const tones = box.querySelector("[data-bell-tones]");
    const every = box.querySelector("[data-bell-every]");
    const vibrate = box.querySelector("[data-bell-vibrate]");
    const prefs = loadPrefs();
    if (typeof prefs.ends === "boolean") ends.checked = prefs.ends;
    if (tones && typeof prefs.tones === "boolean") tones.checked = prefs.tones;
    if (every && prefs.every !== undefined) every.value = String(prefs.every);
    if (typeof prefs.vibrate === "boolean") vibrate.checked = prefs.vibrate;
    box.addEventListener("change", () => {
      savePrefs({
        ends: ends.checked,
        tones: tones ? tones.checked : prefs.tones,
        every: every ? Number(every.value) : prefs.every,
        vibrate: vibrate.checked,
      });
    });
    box.querySelector("[data-bell-try]")?.addEventListener("click", () => sound("bell"));
    const ring = () => {
      if (ends.checked) sound("bell");
      if (vibrate.checked) buzz([180]);
    };
    return {
      start: ring,
      end() {
        if (ends.checked) sound("bell");
        if (vibrate.checked) buzz([180, 120, 180]);
      },
      along() {
        sound("bell");
        if (vibrate.checked) buzz([120]);
      },
      breath(name) {
        if (tones && tones.checked) sound(name === "in" || name === "out" ? name : "hold");
      },
      every: () => (every ? Number(every.value) || 0 : 0),
    };
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
    const bells = cues();
    hooks.bells = bells;

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
      bells.start(); // in the click itself: browsers allow sound to begin only from a gesture
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
      if (complete) bells.end();
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
    const square = root.querySelector("[data-square]");
    const dot = root.querySelector("[data-dot]");
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

    // Box breathing: the dot goes along one side of the square per phase, corner to corner.
    const CORNERS = [[0, 1], [0, 0], [1, 0], [1, 1]]; // bottom left, then up, across, down
    const along = (index, left) => {
      if (reduced.matches || !square || !dot || !dot.animate) return;
      const side = square.clientWidth; // the dot is centred on the corners (earned.css)
      const [x0, y0] = CORNERS[index % 4];
      const [x1, y1] = CORNERS[(index + 1) % 4];
      if (animation) animation.cancel();
      animation = dot.animate(
        [
          { transform: `translate(${x0 * side}px, ${y0 * side}px)` },
          { transform: `translate(${x1 * side}px, ${y1 * side}px)` },
        ],
        { duration: left * 1000, easing: "linear", fill: "forwards" },
      );
    };

    // Grow on "in", shrink on "out", stay put on a hold; only when motion is welcome.
    const move = (phase, left) => {
      if (square) {
        along(phases.indexOf(phase), left);
        return;
      }
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

    const hooks = {
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
          if (n > 0) hooks.bells.breath(phase.name); // the first is the start bell's moment
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
    };
    session(root, hooks);
  };

  const timer = (root) => {
    const clockEl = root.querySelector("[data-clock]");
    let rung = 0; // bells along the way so far
    const hooks = {
      start() {
        rung = 0;
      },
      tick(t, total) {
        clockEl.textContent = clock(total - t);
        const every = hooks.bells.every() * 60;
        if (every > 0 && t < total - 1 && Math.floor(t / every) > rung) {
          rung = Math.floor(t / every);
          hooks.bells.along();
        }
      },
      stop(complete) {
        if (!complete) return;
        clockEl.textContent = "0:00";
      },
    };
    session(root, hooks);
  };

  // Body scan: go on to the next region by itself, at the pace chosen, with a soft cue.
  // A guided visualisation uses the same, each step at its own length (data-seconds on
  // its <li>, in place of the pace chosen).
  // The regions are on the page (a hidden list), so it moves on in place: the sound that
  // the click allowed keeps working, and the address follows (?step=N) for Back and reload.
  const scan = (root) => {
    const pace = root.querySelector("[data-scan-pace]");
    const go = root.querySelector("[data-scan-go]");
    const stay = root.querySelector("[data-scan-stop]");
    const status = root.querySelector("[data-scan-status]");
    const steps = [...document.querySelectorAll("[data-scan-steps] li")];
    const title = document.querySelector("[data-scan-title]");
    const prompt = document.querySelector("[data-scan-prompt]");
    const bar = document.querySelector("[data-scan-progress]");
    const of = document.querySelector("[data-scan-of]");
    const nextLink = document.querySelector("[data-scan-next]");
    const backLink = document.querySelector("[data-scan-back]");
    if (!steps.length || !title || !prompt) return;
    const bells = cues();
    root.hidden = false;
    let index = Number(root.dataset.step) - 1;
    let timerId = null;
    let left = 0;
    const base = window.location.pathname;
    const show = (i) => {
      index = i;
      const li = steps[i];
      title.textContent = li.dataset.title;
      prompt.textContent = li.textContent;
      if (bar) bar.value = i + 1;
      if (of) of.textContent = `Step ${i + 1} of ${steps.length}`;
      if (nextLink) {
        nextLink.href = `${base}?step=${i + 2}`;
        nextLink.textContent = i + 1 === steps.length ? "Finish" : "Next";
      }
      if (backLink) backLink.href = `${base}?step=${i}`;
      window.history.replaceState(null, "", `${base}?step=${i + 1}`);
    };
    const count = () => {
      status.textContent = `${title.textContent}. Moving on in ${left} second${left === 1 ? "" : "s"}.`;
    };
    const halt = (words) => {
      if (timerId !== null) window.clearInterval(timerId);
      timerId = null;
      go.hidden = false;
      stay.hidden = true;
      status.textContent = words;
    };
    const secondsOf = (i) => Number(steps[i].dataset.seconds) || Number(pace ? pace.value : 0);
    const run = () => {
      left = secondsOf(index);
      go.hidden = true;
      stay.hidden = false;
      bells.start();
      count();
      timerId = window.setInterval(() => {
        left -= 1;
        if (left > 0) {
          count();
          return;
        }
        if (index + 1 >= steps.length) {
          halt("");
          window.location.assign(`${base}?step=${steps.length + 1}`);
          return;
        }
        show(index + 1);
        bells.start();
        left = secondsOf(index);
        count();
      }, 1000);
    };
    go.addEventListener("click", run);
    stay.addEventListener("click", () => halt("Staying here. Move on whenever you like."));
  };

  document.addEventListener("DOMContentLoaded", () => {
    for (const root of document.querySelectorAll("[data-pacer]")) pacer(root);
    for (const root of document.querySelectorAll("[data-timer]")) timer(root);
    for (const root of document.querySelectorAll("[data-scan-auto]")) scan(root);
  });
})();
