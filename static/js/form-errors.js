// When an htmx form comes back with something to fix (usually 422, but the comparison
// editor answers 200 with its form bound), say so once through the page's live region,
// naming the first problem: whatever error messages the swap added. The fields themselves
// carry aria-invalid and aria-describedby; focus moves to the first invalid field elsewhere
// (focus.js). Errors inside a role="alert" are spoken by the
// screen reader already, so they are not repeated here.
const ERRORS = ".field-error, .form-errors";
let before = null;

document.body.addEventListener("htmx:beforeSwap", (event) => {
  before = event.detail.shouldSwap ? new Set(document.querySelectorAll(ERRORS)) : null;
});

document.addEventListener("htmx:afterSettle", () => {
  if (!before) return;
  const seen = before;
  before = null;
  const fresh = [...document.querySelectorAll(ERRORS)].filter(
    (el) => !seen.has(el) && el.textContent.trim() && !el.closest("[hidden]"),
  );
  if (!fresh.length || fresh.some((el) => el.closest('[role="alert"]'))) return;
  const first = fresh[0].textContent.trim().replace(/\s+/g, " ");
  const message = fresh.length === 1
    ? `Not saved. ${first}`
    : `Not saved: ${fresh.length} things to fix. The first: ${first}`;
  document.body.dispatchEvent(new CustomEvent("announce", { detail: { message } }));
});
