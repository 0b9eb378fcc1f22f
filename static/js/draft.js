// The essay draft: word counts, inserting starters and citations at the cursor, and an
// autosave that never loses text. Saves go one at a time (each carries the draft's version,
// and a second save from the same tab must use the version the first one returned). A network
// failure keeps the text in the box, says so, and retries; a 409 means another tab changed
// the draft, and the page stops saving instead of overwriting it.

const form = document.getElementById("draft");
const status = document.getElementById("draft-status");
const conflict = document.getElementById("draft-conflict");
const csrf = JSON.parse(document.body.getAttribute("hx-headers") || "{}")["X-CSRFToken"];
const WORD = /[\p{L}\p{N}’']+/gu;

let version = Number(form.dataset.version);
let lastBox = form.querySelector(".paragraph-box");
let stopped = false;
let saving = false;
let retryDelay = 2000;
const dirty = new Set();
const timers = new Map();

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

function say(message) {
  status.textContent = message;
}

function schedule(box, delay = 1200) {
  dirty.add(box);
  clearTimeout(timers.get(box));
  timers.set(box, setTimeout(flush, delay));
}

async function flush() {
  if (saving || stopped || dirty.size === 0) return;
  const box = dirty.values().next().value;
  dirty.delete(box);
  saving = true;
  const body = new FormData();
  body.append("section", box.dataset.section);
  body.append("text", box.value);
  body.append("version", String(version));
  try {
    const response = await fetch(form.dataset.saveUrl, {
      method: "POST", body, headers: { "X-CSRFToken": csrf, Accept: "application/json" },
      credentials: "same-origin",
    });
    const data = await response.json().catch(() => ({}));
    if (response.status === 409) {
      stopped = true;
      dirty.add(box);
      conflict.innerHTML = "";
      const banner = document.createElement("div");
      banner.className = "conflict-banner";
      banner.textContent = data.detail || "This draft was changed elsewhere.";
      conflict.append(banner);
      say("Not saved: the draft changed in another tab.");
    } else if (!response.ok) {
      throw new Error(data.detail || `HTTP ${response.status}`);
    } else {
      version = data.version;
      document.getElementById("draft-checks").innerHTML = data.checks_html;
      retryDelay = 2000;
      say(dirty.size ? "Saving…" : "All changes saved.");
    }
  } catch (error) {
    // Offline, server restarting, or a bad gateway: keep the text and try again.
    dirty.add(box);
    say(`Not saved yet (${error.message || "no connection"}). Your text is kept; retrying…`);
    setTimeout(flush, retryDelay);
    retryDelay = Math.min(retryDelay * 2, 30000);
  } finally {
    saving = false;
  }
  if (dirty.size && !stopped) setTimeout(flush, 50);
}

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
  if (!box) return;
  updateCounts(box);
  say("Editing…");
  schedule(box);
});
form.addEventListener("focusout", (event) => {
  const box = event.target.closest(".paragraph-box");
  if (box && dirty.has(box)) schedule(box, 0);
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
window.addEventListener("beforeunload", (event) => {
  if (dirty.size || saving) event.preventDefault();
});
window.counterpoint = Object.assign(window.counterpoint || {}, {
  draft: { flush, pending: () => dirty.size + (saving ? 1 : 0) },
});
