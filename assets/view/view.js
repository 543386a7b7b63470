// Spec Builder's viewer: progressive enhancement only; every page works without it.
"use strict";

// The decision filters apply as soon as one changes.
document.addEventListener("change", (event) => {
  const form = event.target.closest && event.target.closest("form.filters");
  if (form) form.requestSubmit();
});

// Live: when a commit lands (or the working tree changes), the page's content is read again
// and swapped in place, and what happened is announced.
(() => {
  if (!window.EventSource) return;
  const events = new EventSource("/events");
  let pending = null;
  events.addEventListener("open", () => { document.body.dataset.live = "open"; });
  // Closed before the page goes, so that leaving it is not a failed request.
  window.addEventListener("pagehide", () => events.close());
  events.addEventListener("change", (event) => {
    let change = {};
    try { change = JSON.parse(event.data); } catch (_) { /* an empty change still refreshes */ }
    announce(change.message || "The repository changed");
    // Several changes at once are one refresh.
    clearTimeout(pending);
    pending = setTimeout(refresh, 100);
  });

  async function refresh() {
    const response = await fetch(location.href, { headers: { Accept: "text/html" } });
    if (!response.ok) return;
    const next = new DOMParser().parseFromString(await response.text(), "text/html");
    const main = document.querySelector("main");
    const fresh = next.querySelector("main");
    if (main && fresh) {
      main.replaceChildren(...fresh.childNodes);
      document.title = next.title;
      document.body.dataset.updated = String(Date.now());
    }
  }

  function announce(message) {
    const region = document.getElementById("live");
    if (!region) return;
    region.textContent = message;
    region.hidden = false;
    clearTimeout(region.dataset.timer);
    region.dataset.timer = setTimeout(() => { region.hidden = true; }, 8000);
  }
})();

// The decision graph: pan (drag), zoom (wheel, + and -, 0 to reset), search-and-highlight as
// you type, arrow keys from a decision to the nearest one in that direction.
(() => {
  const svg = document.getElementById("graph");
  if (!svg) return;
  const frame = svg.parentElement;
  const full = svg.viewBox.baseVal;
  const whole = { x: full.x, y: full.y, w: full.width, h: full.height };
  const nodes = [...svg.querySelectorAll(".node")].map((element) => {
    const [x, y] = element.getAttribute("transform").match(/-?[\d.]+/g).map(Number);
    return { element, key: element.dataset.key, x, y };
  });
  svg.setAttribute("width", "100%");
  svg.setAttribute("height", "100%");
  let view = { x: whole.x, y: whole.y, w: frame.clientWidth, h: frame.clientHeight };
  const apply = () => svg.setAttribute("viewBox", `${view.x} ${view.y} ${view.w} ${view.h}`);
  apply();

  function zoom(factor, cx = view.x + view.w / 2, cy = view.y + view.h / 2) {
    const w = Math.min(Math.max(view.w * factor, 100), whole.w * 4 + 1000);
    const h = view.h * (w / view.w);
    view = { x: cx - (cx - view.x) * (w / view.w), y: cy - (cy - view.y) * (h / view.h), w, h };
    apply();
  }
  function show(node) {
    const margin = 40;
    if (node.x < view.x + margin || node.x + 210 > view.x + view.w - margin ||
        node.y < view.y + margin || node.y + 28 > view.y + view.h - margin) {
      view.x = node.x + 105 - view.w / 2;
      view.y = node.y + 14 - view.h / 2;
      apply();
    }
  }
  function toPoint(event) {
    const rect = svg.getBoundingClientRect();
    return { x: view.x + (event.clientX - rect.left) * (view.w / rect.width),
             y: view.y + (event.clientY - rect.top) * (view.h / rect.height) };
  }

  svg.addEventListener("wheel", (event) => {
    event.preventDefault();
    const at = toPoint(event);
    zoom(event.deltaY > 0 ? 1.15 : 1 / 1.15, at.x, at.y);
  }, { passive: false });

  let drag = null;
  svg.addEventListener("pointerdown", (event) => {
    drag = { x: event.clientX, y: event.clientY, moved: false, view: { ...view } };
  });
  window.addEventListener("pointermove", (event) => {
    if (!drag) return;
    const rect = svg.getBoundingClientRect();
    const dx = (event.clientX - drag.x) * (view.w / rect.width);
    const dy = (event.clientY - drag.y) * (view.h / rect.height);
    if (Math.abs(dx) + Math.abs(dy) > 3) { drag.moved = true; frame.classList.add("grabbing"); }
    view.x = drag.view.x - dx;
    view.y = drag.view.y - dy;
    apply();
  });
  window.addEventListener("pointerup", () => { frame.classList.remove("grabbing"); setTimeout(() => { drag = null; }, 0); });
  // A drag that ends on a decision is not a click on it.
  svg.addEventListener("click", (event) => { if (drag && drag.moved) event.preventDefault(); }, true);

  const directions = { ArrowRight: [1, 0], ArrowLeft: [-1, 0], ArrowDown: [0, 1], ArrowUp: [0, -1] };
  document.addEventListener("keydown", (event) => {
    if (event.target.matches && event.target.matches("input, select, textarea")) return;
    if (event.key === "+" || event.key === "=") { zoom(1 / 1.25); event.preventDefault(); }
    else if (event.key === "-") { zoom(1.25); event.preventDefault(); }
    else if (event.key === "0") { view = { x: whole.x, y: whole.y, w: frame.clientWidth, h: frame.clientHeight }; apply(); }
    else if (directions[event.key]) {
      const from = nodes.find((n) => n.element === document.activeElement);
      if (!from) return;
      const [dx, dy] = directions[event.key];
      let best = null;
      for (const n of nodes) {
        const ax = n.x - from.x, ay = n.y - from.y;
        const along = ax * dx + ay * dy;
        if (along <= 0) continue;
        const score = along + 2 * Math.abs(ax * dy - ay * dx);
        if (!best || score < best.score) best = { n, score };
      }
      if (best) { best.n.element.focus(); show(best.n); event.preventDefault(); }
    }
  });
  svg.addEventListener("focusin", (event) => {
    const node = nodes.find((n) => n.element === event.target);
    if (!node) return;
    show(node);
    svg.classList.add("focusing");
    for (const line of svg.querySelectorAll("line")) {
      line.classList.toggle("near", line.dataset.from === node.key || line.dataset.to === node.key);
    }
  });
  svg.addEventListener("focusout", () => svg.classList.remove("focusing"));

  const search = document.getElementById("graph-search");
  if (search) {
    search.addEventListener("input", () => {
      const q = search.value.trim().toLowerCase();
      svg.classList.toggle("searching", q !== "");
      let first = null;
      for (const n of nodes) {
        const title = n.element.querySelector("title").textContent.toLowerCase();
        const hit = q !== "" && title.includes(q);
        n.element.classList.toggle("hit", hit);
        if (hit && !first) first = n;
      }
      if (first) show(first);
    });
  }
  document.body.dataset.graph = "ready";
})();
