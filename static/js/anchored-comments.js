// Comments on exactly some words of a student's outline or draft.
//
// Review page (teacher): select words in the thesis, a claim, a reasoning or a draft's
// paragraph (`.anchor-text`), by mouse, touch or Shift+arrows, then press the "Comment"
// button (or Enter): the comment form gets the words' W3C selectors in its hidden target_*
// inputs and the box takes focus; the comment bank (comment-bank.js) inserts into it as usual.
// The same selection code as the reading page's annotator (text-selection.js).
//
// Both pages (teacher and student): the server draws each comment's words as a link to the
// comment (`.comment-mark`, href="#comment-<id>"); a click opens (focuses) the comment, and
// its "Show in text" goes back to the words. Without this script those are plain links, and
// comments are made on a whole section.

import { keyboardSelectable, placeButton, quoteSelector } from "./text-selection.js";

const TEXT = ".anchor-text";
const FORM_ID = "comment-form";
const HINT_ID = "anchor-hint";
const FLASH_MS = 1500;

const reducedMotion = window.matchMedia("(prefers-reduced-motion: reduce)");
const scrollBehavior = () => (reducedMotion.matches ? "auto" : "smooth");

let offer = null; // {el, selector} behind the visible Comment button
let pointerDown = false;
let button = null;

function flash(el) {
  el.classList.remove("flash");
  void el.offsetWidth; // restart the animation
  el.classList.add("flash");
  window.setTimeout(() => el.classList.remove("flash"), FLASH_MS);
}

/** The selection as {el, range, selector} when it lies in one of the student's texts. */
function currentSelection() {
  const sel = window.getSelection();
  if (!sel || sel.rangeCount === 0 || sel.isCollapsed) return null;
  const range = sel.getRangeAt(0);
  const start = range.startContainer.parentElement?.closest(TEXT) ||
    range.startContainer.closest?.(TEXT);
  if (!start || !start.contains(range.endContainer)) return null; // one text at a time
  const selector = quoteSelector(start, range);
  return selector ? { el: start, range, selector } : null;
}

function commentButton() {
  if (button?.isConnected) return button;
  button = document.createElement("button");
  button.type = "button";
  button.className = "annotate-button";
  button.textContent = "Comment";
  button.hidden = true;
  // Keep the selection (and the text's focus) when the button is pressed.
  button.addEventListener("mousedown", (event) => event.preventDefault());
  button.addEventListener("click", () => {
    const chosen = offer || currentSelection();
    if (chosen) chooseWords(chosen.el, chosen.selector);
  });
  document.body.append(button);
  return button;
}

function hideButton() {
  offer = null;
  if (button) button.hidden = true;
}

function updateFromSelection() {
  if (pointerDown || !document.getElementById(FORM_ID)) return;
  const current = currentSelection();
  if (!current) {
    hideButton();
    return;
  }
  offer = { el: current.el, selector: current.selector };
  const btn = commentButton();
  btn.hidden = false;
  placeButton(btn, current.range);
}

function setInput(form, name, value) {
  const input = form.querySelector(`input[name="target_${name}"]`);
  if (input) input.value = value;
}

/** Put the chosen words into the comment form and move to its box. */
function chooseWords(el, selector) {
  const form = document.getElementById(FORM_ID);
  if (!form) return;
  setInput(form, "field", el.dataset.field);
  setInput(form, "section", el.dataset.section || "");
  for (const name of ["exact", "prefix", "suffix", "start", "end"]) {
    setInput(form, name, String(selector[name]));
  }
  // "About" shows the section the words are in; the words decide where the comment goes.
  const about = form.querySelector('select[name="section_key"]');
  if (about) about.value = el.dataset.section || "";
  const words = document.getElementById("comment-words");
  const quote = document.getElementById("comment-words-text");
  if (quote) quote.textContent = selector.exact;
  if (words) words.hidden = false;
  hideButton();
  const box = form.querySelector('textarea[name="body"]');
  box?.focus({ preventScroll: true });
  form.scrollIntoView({ block: "nearest", behavior: scrollBehavior() });
  document.body.dispatchEvent(new CustomEvent("announce", {
    detail: { message: `Commenting on “${selector.exact}”. Write the comment, then add it.` },
  }));
}

function clearWords(form) {
  for (const name of ["field", "section", "exact", "prefix", "suffix", "start", "end"]) {
    setInput(form, name, "");
  }
  const words = document.getElementById("comment-words");
  if (words) words.hidden = true;
  form.querySelector('select[name="section_key"]')?.focus();
}

/** Open a comment from its words: focus its card and show it briefly. */
function openComment(id) {
  const card = document.getElementById(`comment-${id}`);
  if (!card) return false;
  const details = card.closest("details");
  if (details) details.open = true;
  card.focus({ preventScroll: true });
  card.scrollIntoView({ block: "nearest", behavior: scrollBehavior() });
  flash(card);
  return true;
}

/** Go back from a comment to its words. */
function showInText(id) {
  const marks = [...document.querySelectorAll(`.comment-mark[data-comments~="${CSS.escape(id)}"]`)];
  if (marks.length === 0) return false;
  marks[0].scrollIntoView({ block: "center", behavior: scrollBehavior() });
  const focusable = marks.find((mark) => mark.matches("a[href]"));
  focusable?.focus({ preventScroll: true });
  for (const mark of marks) flash(mark);
  return true;
}

function onClick(event) {
  const target = event.target;
  if (!(target instanceof Element)) return;
  const clear = target.closest("[data-clear-words]");
  if (clear) {
    event.preventDefault();
    clearWords(clear.closest("form"));
    return;
  }
  const show = target.closest(".show-in-text[data-comment]");
  if (show) {
    if (showInText(show.dataset.comment)) event.preventDefault();
    return;
  }
  const mark = target.closest("a.comment-mark");
  // A click that ends a selection over the words is a selection, not a click on the link.
  if (mark && window.getSelection()?.isCollapsed !== false) {
    const id = (mark.dataset.comments || "").split(" ")[0];
    if (id && openComment(id)) event.preventDefault();
  } else if (mark) {
    event.preventDefault();
  }
}

function onKeyDown(event) {
  if (event.isComposing || event.key !== "Enter") return;
  if (event.ctrlKey || event.altKey || event.metaKey) return;
  const el = event.target instanceof Element ? event.target.closest(TEXT) : null;
  if (!el || event.target !== el) return;
  event.preventDefault(); // never a line break in the student's text
  const current = currentSelection();
  if (current && current.el === el) chooseWords(el, current.selector);
}

let selectionTimer = 0;

function init() {
  const hint = document.getElementById(HINT_ID);
  const enhance = keyboardSelectable(TEXT, { describedBy: hint ? HINT_ID : "" });
  document.addEventListener("click", onClick);
  document.addEventListener("keydown", onKeyDown);
  document.addEventListener("selectionchange", () => {
    window.clearTimeout(selectionTimer);
    selectionTimer = window.setTimeout(updateFromSelection, 150);
  });
  document.addEventListener("pointerdown", (event) => {
    const onButton = event.target.closest?.(".annotate-button");
    if (event.pointerType === "mouse" && event.button === 0 && !onButton) pointerDown = true;
  }, true);
  const release = () => {
    pointerDown = false;
    window.setTimeout(updateFromSelection, 0);
  };
  for (const type of ["pointerup", "pointercancel", "mouseup", "touchend", "keyup"]) {
    document.addEventListener(type, release, true);
  }
  // The review region is swapped in place after each comment: its texts need a tabindex.
  document.addEventListener("htmx:afterSettle", () => {
    enhance();
    updateFromSelection();
  });
}

if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
else init();
