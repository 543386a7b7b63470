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
