// Keep keyboard focus in place across htmx swaps (WCAG 2.4.3, focus order).
//
// When a swap replaces the element that had focus, the browser drops focus to <body> and the
// next Tab starts again from the top of the page. One rule for every swap on every page:
// before a swap we remember what had focus; after it settles, if focus was lost, we put it on
//   1. the first field marked aria-invalid="true" in the new content (a form error), else
//   2. the same control in the new content (same id, data-focus-key, or the same button of
//      the same form: same action, same hidden fields, same name, value and words), else
//   3. the element named by data-focus-after="<selector>" on the control that was used, else
//   4. the new content itself (made focusable with tabindex="-1"), else the nearest ancestor
//      of the old content that is still on the page.
// Nothing happens when focus was on <body> before the swap (a background poll must never pull
// focus), or when focus survived the swap.

const FOCUSABLE = "a[href], button, input, select, textarea, summary, [tabindex]";

let pending = null;

function signature(element) {
  if (!element || element === document.body || element === document.documentElement) return null;
  if (element.dataset.focusKey) return `key:${element.dataset.focusKey}`;
  if (element.id) return `id:${element.id}`;
  const parts = [
    element.tagName,
    element.getAttribute("name") || "",
    element.getAttribute("value") || "",
    element.getAttribute("type") || "",
    (element.textContent || "").replace(/\s+/g, " ").trim(),
  ];
  const form = element.form || element.closest("form");
  if (form) {
    parts.push(form.getAttribute("hx-post") || form.getAttribute("action") || "");
    for (const input of form.querySelectorAll("input[type=hidden]")) {
      if (input.name !== "csrfmiddlewaretoken") parts.push(`${input.name}=${input.value}`);
    }
  } else {
    parts.push(element.getAttribute("href") || element.getAttribute("hx-get") || "");
  }
  return `sig:${parts.join("|")}`;
}

// data-focus-after may name a field of the form that was sent: '[data-key="{key}"]' becomes
// the selector for the item that form just added.
function fillIn(selector, form) {
  return selector.replace(/\{([\w-]+)\}/g, (_, name) => {
    const value = form ? new FormData(form).get(name) : "";
    return CSS.escape(value == null ? "" : String(value));
  });
}

function focusAnyway(element) {
  if (!element || !element.isConnected) return false;
  if (!element.matches(FOCUSABLE)) element.setAttribute("tabindex", "-1");
  return tryFocus(element);
}

function query(selector) {
  try {
    return document.querySelector(selector);
  } catch {
    return null; // a selector that does not parse names nothing
  }
}

function isLost() {
  const active = document.activeElement;
  return !active || active === document.body || !active.isConnected;
}

function tryFocus(element) {
  if (!element || !element.isConnected) return false;
  element.focus({ preventScroll: false });
  return document.activeElement === element;
}

function findBySignature(wanted, within) {
  if (wanted.startsWith("id:")) return document.getElementById(wanted.slice(3));
  if (wanted.startsWith("key:")) {
    const key = wanted.slice(4);
    return [...document.querySelectorAll("[data-focus-key]")].find((el) => el.dataset.focusKey === key);
  }
  const scopes = within.filter((el) => el.isConnected);
  for (const scope of [...scopes, document]) {
    const candidates = scope.querySelectorAll ? scope.querySelectorAll(FOCUSABLE) : [];
    for (const candidate of candidates) {
      if (signature(candidate) === wanted) return candidate;
    }
  }
  return null;
}

document.body.addEventListener("htmx:beforeSwap", (event) => {
  const active = document.activeElement;
  const wanted = signature(active);
  if (!wanted) return;
  const target = event.detail.target;
  const named = active.closest("[data-focus-after]")
    || event.detail.requestConfig?.elt?.closest?.("[data-focus-after]");
  pending = {
    wanted,
    after: named && fillIn(named.dataset.focusAfter, active.form || active.closest("form")),
    targetId: target?.id || "",
    target,
    parent: target?.parentElement,
    settled: [],
  };
});

document.body.addEventListener("htmx:afterSettle", (event) => {
  if (!pending) return;
  pending.settled.push(event.target);
  // Every part of one response settles in the same task; restore once, after all of them.
  if (pending.scheduled) return;
  pending.scheduled = true;
  window.setTimeout(restore, 0);
});

function restore() {
  const state = pending;
  pending = null;
  if (!state || !isLost()) return;
  const fresh = (state.targetId && document.getElementById(state.targetId))
    || (state.target?.isConnected ? state.target : null)
    || state.settled.find((el) => el.isConnected && el.id !== "announcer");
  const scopes = [fresh, ...state.settled].filter((el) => el && el.isConnected && el.id !== "announcer");
  for (const scope of scopes) {
    if (tryFocus(scope.querySelector?.("[aria-invalid=true]"))) return;
  }
  if (tryFocus(findBySignature(state.wanted, scopes))) return;
  if (state.after && focusAnyway(query(state.after))) return;
  const home = fresh || (state.parent?.isConnected ? state.parent : null);
  if (home && home !== document.body) focusAnyway(home);
}
