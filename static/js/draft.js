// The essay draft: word counts, inserting starters and citations at the cursor, and the
// shared autosave (autosave.js) for its paragraphs.

import { autosave } from "./autosave.js";

const form = document.getElementById("draft");
const WORD = /[\p{L}\p{N}’']+/gu;

let lastBox = form.querySelector(".paragraph-box");

// Citations like "(§2 ¶5)" are not words: the same rule as the server's word count.
const CITATION = /(§\s*\d+\s*)?¶\s*\d+/g;
const count = (text) => (text.replace(CITATION, "").match(WORD) || []).length;

function updateCounts(box) {
  const label = form.querySelector(`.word-count[data-for="${box.dataset.section}"]`);
  if (label) label.textContent = count(box.value);
  let total = 0;
  form.querySelectorAll(".paragraph-box").forEach((b) => { total += count(b.value); });
  document.getElementById("total-words").textContent = total;
}

const saver = autosave({
  root: form,
  status: document.getElementById("draft-status"),
  url: form.dataset.saveUrl,
  noun: "draft",
  version: {
    get: () => Number(form.dataset.version),
    set: (value) => { form.dataset.version = String(value); },
  },
  body: (section, text, version) => {
    const data = new FormData();
    data.append("section", section);
    data.append("text", text);
    data.append("version", String(version));
    return data;
  },
  onSaved: (section, data) => {
    document.getElementById("draft-checks").innerHTML = data.checks_html;
  },
});

function insertAtCursor(text) {
  const box = lastBox;
  if (!box || box.readOnly) return;
  const start = box.selectionStart ?? box.value.length;
  const end = box.selectionEnd ?? box.value.length;
  const before = box.value.slice(0, start);
  const spacer = before && !/\s$/.test(before) ? " " : "";
  box.setRangeText(spacer + text, start, end, "end");
  box.focus();
  box.dispatchEvent(new Event("input", { bubbles: true }));
}

form.addEventListener("input", (event) => {
  const box = event.target.closest(".paragraph-box");
  if (box) updateCounts(box);
});
document.addEventListener("focusin", (event) => {
  const box = event.target.closest?.(".paragraph-box");
  if (box) lastBox = box;
});
document.addEventListener("mousedown", (event) => {
  // Keep the cursor in the paragraph when a starter or citation button is pressed.
  if (event.target.closest("[data-insert]")) event.preventDefault();
});
document.addEventListener("click", (event) => {
  const button = event.target.closest("[data-insert]");
  if (button) insertAtCursor(button.dataset.insert);
});
window.counterpoint = Object.assign(window.counterpoint || {}, {
  draft: { flush: saver.flush, pending: saver.pending },
});
