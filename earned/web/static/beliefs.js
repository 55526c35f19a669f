// earned: the origin story. Words selected in an entry fill that entry's "link a passage"
// box and open it. Without this file, the words can be copied into the box by hand.
"use strict";
document.addEventListener("DOMContentLoaded", () => {
  let waiting = 0;
  const fill = () => {
    const chosen = window.getSelection();
    if (!chosen || chosen.isCollapsed || chosen.rangeCount === 0) return;
    const node = chosen.anchorNode;
    const el = node && (node.nodeType === 1 ? node : node.parentElement);
    const body = el && el.closest(".entry .body");
    const entry = body && body.closest(".entry");
    const box = entry && entry.querySelector("[data-passage]");
    const text = chosen.toString().trim();
    if (!box || !text) return;
    box.value = box.maxLength > 0 ? text.slice(0, box.maxLength) : text;
    const fold = box.closest("details");
    if (fold) fold.open = true;
  };
  document.addEventListener("selectionchange", () => {
    window.clearTimeout(waiting);
    waiting = window.setTimeout(fill, 250);
  });
});
