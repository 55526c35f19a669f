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
