// Drag and drop for the outline editor (SortableJS), alongside the up/down buttons that
// keyboard users have. After a drop, the whole new order is posted once through the hidden
// reorder form, so the server checks the outline's version like for any other edit.
// Its text fields autosave through autosave.js, in step with those htmx edits.

import { autosave } from "./autosave.js";

function post_order() {
  const form = document.getElementById("reorder-form");
  if (!form) return;
  form.querySelectorAll("input[data-order]").forEach((input) => input.remove());
  const add = (name, value) => {
    const input = document.createElement("input");
    input.type = "hidden";
    input.name = name;
    input.value = value;
    input.dataset.order = "";
    form.append(input);
  };
  document.querySelectorAll(".section-list > .outline-section").forEach((section) => {
    add("section", section.dataset.id);
    section.querySelectorAll(".evidence-list > .evidence-card").forEach((card) => {
      add(`evidence-${section.dataset.id}`, card.dataset.id);
    });
  });
  window.htmx.trigger(form, "reorder");
}

function enable() {
  if (!window.Sortable) return;
  document.querySelectorAll("[data-sortable]").forEach((list) => {
    if (list.dataset.sortableReady) return;
    list.dataset.sortableReady = "yes";
    const sections = list.dataset.sortable === "sections";
    window.Sortable.create(list, {
      group: sections ? "sections" : "evidence",
      handle: ".drag-handle",
      draggable: sections ? ".outline-section" : ".evidence-card",
      animation: window.matchMedia("(prefers-reduced-motion: reduce)").matches ? 0 : 150,
      // Pointer-event dragging: the same on mouse and touch screens.
      forceFallback: true,
      onEnd: (event) => {
        if (event.from !== event.to || event.oldIndex !== event.newIndex) post_order();
      },
    });
  });
}

// Sortable.min.js is a deferred classic script; module scripts run after it.
enable();
document.body.addEventListener("htmx:afterSettle", enable);

// --- autosave of the text fields (the same module as the draft's) ---------------------

const outline = () => document.getElementById("outline");
const versionInput = () => document.getElementById("outline-version");
const inFlight = new Set(); // htmx edits (buttons, radio choices) under way

const saver = autosave({
  root: document.body,
  status: document.getElementById("outline-save-status"),
  url: document.getElementById("outline-save-status").dataset.saveUrl,
  noun: "outline",
  version: {
    get: () => Number(versionInput().value),
    set: (value) => { versionInput().value = String(value); },
  },
  body: (field, text, version) => {
    const data = new FormData();
    data.append("field", field);
    data.append("value", text);
    data.append("version", String(version));
    return data;
  },
  onSaved: (field, data) => {
    const checks = document.getElementById("outline-status");
    if (checks && data.status_html) checks.outerHTML = data.status_html;
  },
  canSend: () => inFlight.size === 0,
});

// A button or choice in the outline waits for the text typed before it to be saved first, so
// it carries the newest version and the swap it brings back already has that text. It waits
// for that text only: a student who chooses and types straight on is not held up, and the
// choice is saved before the text typed after it.
let waiting = 0; // edits held back until the text before them is saved
document.body.addEventListener("htmx:confirm", (event) => {
  if (!outline()?.contains(event.detail.elt) || saver.pending() === 0) return;
  event.preventDefault();
  waiting += 1;
  saver.drain().then(() => {
    waiting -= 1;
    event.detail.issueRequest(false);
  });
});
document.body.addEventListener("htmx:beforeRequest", (event) => {
  if (outline()?.contains(event.detail.elt)) inFlight.add(event.detail.xhr);
});
document.body.addEventListener("htmx:afterRequest", (event) => {
  inFlight.delete(event.detail.xhr);
});
// Text typed while a button's request was on its way must survive the swap.
document.body.addEventListener("htmx:afterSwap", () => saver.restore());

// Leaving with a choice not yet saved asks first, as unsaved text does.
window.addEventListener("beforeunload", (event) => {
  if (waiting > 0) event.preventDefault();
});

// What is not saved yet: typed text, and choices and buttons waiting or on their way.
const pending = () => saver.pending() + waiting + inFlight.size;

window.counterpoint = Object.assign(window.counterpoint || {}, {
  outline: { flush: saver.flush, pending },
});
