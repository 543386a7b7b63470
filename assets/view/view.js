// Spec Builder's viewer: progressive enhancement only; every page works without it.
"use strict";

// The decision filters apply as soon as one changes.
document.addEventListener("change", (event) => {
  const form = event.target.closest && event.target.closest("form.filters");
  if (form) form.requestSubmit();
});
