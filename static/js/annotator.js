// Annotator: turns a text selection in a passage into the annotate form's selectors, draws
// highlights from the panel's anchor list (every note the reader may see) and from the cards
// on the page (newer than the list), and links highlights and cards both ways.
//
// Progressive enhancement: the server renders the passages, the cards and a hidden form; the
// page is readable without this module. Everything is bound by delegation on `document`, so
// htmx may replace cards, the list or the form at any time without re-binding.
//
// Offsets: the server (Python) counts in Unicode code points; JS strings count UTF-16 units.
// Inside this module, DOM work happens in UTF-16 units and every value that reaches the server
// (or comes from it) is in code points; text-selection.js holds the bridge and the selection
// code the review page's comments on a student's words share.

import {
  codePointOffset,
  keyboardSelectable,
  placeButton,
  pointAt,
  quoteSelector,
  textOffsetOf,
  utf16Offset,
} from "./text-selection.js";

export { codePointOffset, utf16Offset };

const TEXT = ".passage-text";
const FORM_ID = "annotate-form";
const SELECTOR_FIELDS = ["passage", "exact", "prefix", "suffix", "start", "end"];
const LIST_ID = "annotation-list";
const HINT_ID = "annotator-hint";
const SUBJECT_COLOURS = new Set(["red", "blue", "green", "purple", "teal", "brown"]);
const FOCUSED_MS = 2000;
const FLASH_MS = 1500;

// ---------------------------------------------------------------------------------------------
// Pure helpers (exported for tests and other modules)

/**
 * Split text into consecutive segments at every interval boundary.
 * intervals: [{id, start, end}] in code points; invalid or empty ones are ignored.
 * Returns [{start, end, text, ids}] covering the whole text, where ids lists the intervals
 * covering that segment, innermost (shortest) first, so ids[0] is what a click should open.
 */
export function segments(text, intervals) {
  const chars = Array.from(text);
  const valid = intervals.filter(
    (i) => Number.isInteger(i.start) && Number.isInteger(i.end) &&
      i.start >= 0 && i.start < i.end && i.end <= chars.length,
  );
  const cuts = new Set([0, chars.length]);
  for (const i of valid) { cuts.add(i.start); cuts.add(i.end); }
  const points = [...cuts].sort((a, b) => a - b);
  const out = [];
  for (let k = 0; k < points.length - 1; k += 1) {
    const start = points[k];
    const end = points[k + 1];
    const ids = valid
      .filter((i) => i.start <= start && i.end >= end)
      .sort((a, b) => (a.end - a.start) - (b.end - b.start))
      .map((i) => String(i.id));
    out.push({ start, end, text: chars.slice(start, end).join(""), ids });
  }
  return out;
}

function passageTextFor(node) {
  const el = node && (node.nodeType === Node.ELEMENT_NODE ? node : node.parentElement);
  if (!el) return null;
  return el.closest(TEXT) || el.closest(".passage")?.querySelector(TEXT) || null;
}

/**
 * The selectors for `range` clamped to the passage text `el`, or null when nothing but
 * whitespace is selected there: {passage, exact, prefix, suffix, start, end} (code points).
 */
function selectorFor(el, range) {
  const quote = quoteSelector(el, range);
  if (!quote) return null;
  return { passage: el.closest(".passage")?.dataset.passage || "", ...quote };
}

/** The current selection as {el, range, selector}, or null if it is not a usable one. */
function currentSelection() {
  const sel = window.getSelection();
  if (!sel || sel.rangeCount === 0 || sel.isCollapsed) return null;
  const range = sel.getRangeAt(0);
  const el = passageTextFor(range.startContainer) || passageTextFor(range.endContainer);
  if (!el) return null;
  const selector = selectorFor(el, range);
  return selector ? { el, range, selector } : null;
}

// ---------------------------------------------------------------------------------------------
// Shared state

const state = {
  offer: null,           // {el, selector} behind the visible Annotate button
  returnTo: null,        // passage-text to focus again when the form closes
  returnCaret: null,     // UTF-16 offset to put the caret at in it
  pointerDown: false,    // a mouse drag is in progress: don't show the button mid-drag
  pending: new Set(),    // passage-texts whose redraw waits for the user's selection to go
  byId: new Map(),       // annotation id -> {start, end} drawn, to pick the innermost on click
  currentMark: null,     // the highlight ] and [ last moved to (Enter opens its note)
};
const originals = new WeakMap(); // passage-text -> its text before we first touched it
const drawn = new WeakMap();     // passage-text -> {key, firstChild} of our last drawing
const timers = new WeakMap();    // element -> timeout removing a temporary class

const reducedMotion = window.matchMedia("(prefers-reduced-motion: reduce)");
const scrollBehavior = () => (reducedMotion.matches ? "auto" : "smooth");

/** Add `name` to el for `ms`, restarting the timer (and any CSS animation) if already there. */
function addClassFor(el, name, ms) {
  window.clearTimeout(timers.get(el));
  el.classList.remove(name);
  void el.offsetWidth; // reflow, so a running animation starts over
  el.classList.add(name);
  timers.set(el, window.setTimeout(() => el.classList.remove(name), ms));
}

// ---------------------------------------------------------------------------------------------
// Passages: keyboard access

function ensureHint() {
  if (document.getElementById(HINT_ID)) return;
  const hint = document.createElement("p");
  hint.id = HINT_ID;
  hint.className = "visually-hidden";
  hint.textContent = "To annotate, select text with Shift and the arrow keys, then press Enter." +
    " To read the notes on highlighted words, press ] or [ to move between highlights," +
    " then Enter to open a note.";
  document.body.append(hint);
}

let enhanceTexts = () => {};

/** Make every passage text focusable (idempotent; run again after swaps bring new ones). */
function enhancePassages() {
  if (document.querySelectorAll(TEXT).length === 0) return;
  ensureHint();
  enhanceTexts();
}

// Some input (IME composition) cannot be cancelled; put the text back if it changed anyway.
function undoSlippedEdit(event) {
  const el = event.target.closest?.(TEXT);
  if (!el || !originals.has(el) || el.textContent === originals.get(el)) return;
  el.textContent = originals.get(el);
  drawn.delete(el);
  redraw();
}

// ---------------------------------------------------------------------------------------------
// The floating Annotate button

let button = null;

function annotateButton() {
  if (button?.isConnected) return button;
  button = document.createElement("button");
  button.type = "button";
  button.className = "annotate-button";
  button.textContent = "Annotate";
  button.hidden = true;
  // Keep the selection and the passage's focus when the button is pressed.
  button.addEventListener("mousedown", (event) => event.preventDefault());
  button.addEventListener("click", () => {
    const offer = state.offer || currentSelection();
    if (offer) openForm(offer.el, offer.selector);
  });
  document.body.append(button);
  return button;
}

function hideButton() {
  state.offer = null;
  if (button) button.hidden = true;
}

/** Offer the Annotate button beside the selection (placed by text-selection.js). */
function showButton(el, range, selector) {
  const form = document.getElementById(FORM_ID);
  if (!form) return; // reading only: nowhere to annotate
  state.offer = { el, selector };
  const btn = annotateButton();
  btn.hidden = false;
  placeButton(btn, range);
}

function updateFromSelection() {
  if (state.pointerDown) return;
  const current = currentSelection();
  if (current) showButton(current.el, current.range, current.selector);
  else hideButton();
  flushPending();
}

let selectionTimer = 0;
function onSelectionChange() {
  window.clearTimeout(selectionTimer);
  selectionTimer = window.setTimeout(updateFromSelection, 150);
}

// ---------------------------------------------------------------------------------------------
// The annotate form

function setInput(form, name, value) {
  const input = form.querySelector(`input[name="${name}"]`);
  if (input) input.value = value;
}

/**
 * The forms a subject's name takes in running text, each matched as the start of a word.
 * The name itself covers "Stalin's", "Stalinist", "Khrushchev's" and "Spartan"; a name that
 * ends in s or a vowel also gives its stem, for the adjective and the people ("Athens" ->
 * "Athen": "Athenian", "Athenians"; "Germany" -> "German"). A stem under four letters is left
 * out ("Rome" -> "Rom"), since too many other words start with it.
 * This is the one place the page guesses subjects from words; the server only sends names.
 */
export function nameForms(name) {
  const trimmed = name.trim();
  if (!trimmed) return [];
  const forms = [trimmed];
  const stem = trimmed.replace(/[saeiouy]$/iu, "");
  if (stem !== trimmed && Array.from(stem).length >= 4 && /\p{L}$/u.test(stem)) forms.push(stem);
  return forms;
}

/** Of `names`, those that occur in text in one of their forms (nameForms), as word starts. */
export function namesIn(text, names) {
  return names.filter((name) =>
    nameForms(name).some((form) => {
      const escaped = form.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
      return new RegExp(`(?<![\\p{L}\\p{N}])${escaped}`, "iu").test(text);
    }),
  );
}

function subjectsNamedIn(text, boxes) {
  const named = new Set(namesIn(text, boxes.map((box) => box.dataset.subjectName || "")));
  return boxes.filter((box) => named.has(box.dataset.subjectName || ""));
}

/**
 * The one subject the selection is clearly about: named in the selection, else in the whole
 * passage, else in its section's heading. Several names at any level means "not clear".
 */
function guessSubject(el, exact, boxes) {
  const heading = el.closest("section")?.querySelector("h2, h3, h4")?.textContent || "";
  for (const scope of [exact, el.textContent, heading]) {
    const named = subjectsNamedIn(scope, boxes);
    if (named.length === 1) return named[0];
    if (named.length > 1) return null;
  }
  return null;
}

function openForm(el, selector) {
  const form = document.getElementById(FORM_ID);
  if (!form) return;
  for (const name of SELECTOR_FIELDS) setInput(form, name, String(selector[name]));
  const quote = form.querySelector("#annotate-quote");
  if (quote) quote.textContent = `“${selector.exact}”`; // as the server renders it

  // Pre-check the subject, unless the user has already chosen subjects in this form.
  const boxes = [...form.querySelectorAll('input[name="subjects"]')];
  if (form.dataset.subjectsTouched !== "true") {
    const guess = guessSubject(el, selector.exact, boxes);
    for (const box of boxes) box.checked = box === guess;
  }

  state.returnTo = el;
  state.returnCaret = utf16Offset(el.textContent, selector.end);
  hideButton();
  form.hidden = false;
  const body = form.querySelector('textarea[name="body"]');
  body?.focus({ preventScroll: true });
  form.scrollIntoView({ block: "nearest", behavior: scrollBehavior() });
}

function closeForm(form) {
  const passageId = form.querySelector('input[name="passage"]')?.value;
  form.hidden = true;
  for (const name of SELECTOR_FIELDS) setInput(form, name, "");
  const quote = form.querySelector("#annotate-quote");
  if (quote) quote.textContent = "";
  const body = form.querySelector('textarea[name="body"]');
  if (body) body.value = "";
  for (const box of form.querySelectorAll('input[name="subjects"]')) box.checked = false;
  delete form.dataset.subjectsTouched;
  returnToPassage(passageId);
}

/** Focus the passage the form was opened from, caret after the quote: where the reader was. */
function returnToPassage(passageId) {
  let el = state.returnTo;
  // The passage may have been re-rendered in the meantime.
  if (!el?.isConnected && passageId) {
    el = document.querySelector(`.passage[data-passage="${CSS.escape(passageId)}"] ${TEXT}`);
  }
  const caret = state.returnCaret;
  state.returnTo = null;
  state.returnCaret = null;
  if (!el?.isConnected) return;
  el.focus({ preventScroll: true });
  if (caret != null) {
    const { node, offset } = pointAt(el, caret);
    window.getSelection()?.collapse(node, offset);
  }
}

/**
 * After a swap: a saved annotation comes back as a fresh, hidden form, and the textarea that
 * had focus is gone (focus falls to <body>). Send the reader back to the passage then.
 */
function afterFormSwap() {
  const form = document.getElementById(FORM_ID);
  if (!state.returnTo || (form && !form.hidden)) return;
  const active = document.activeElement;
  if (!active || active === document.body) {
    returnToPassage(state.returnTo.closest(".passage")?.dataset.passage);
  } else {
    state.returnTo = null; // the reader has moved on
    state.returnCaret = null;
  }
}

// ---------------------------------------------------------------------------------------------
// Highlights

function originalTextOf(el) {
  const record = drawn.get(el);
  const current = el.textContent;
  // Someone else (a swap) replaced the contents: their text is the new original.
  const replaced = !record || el.firstChild !== record.firstChild;
  if (!originals.has(el) || (replaced && current !== originals.get(el))) {
    originals.set(el, current);
  }
  return originals.get(el);
}

/** Where card's quote is in text, in code points: the server's offsets if they still fit. */
function locate(text, card) {
  const exact = card.dataset.exact || "";
  if (!exact) return null;
  const start = Number.parseInt(card.dataset.start, 10);
  const end = Number.parseInt(card.dataset.end, 10);
  if (Number.isInteger(start) && Number.isInteger(end)) {
    const chars = Array.from(text);
    if (chars.slice(start, end).join("") === exact) return { start, end };
  }
  const found = text.indexOf(exact);
  if (found < 0) return null;
  const cpStart = codePointOffset(text, found);
  return { start: cpStart, end: cpStart + Array.from(exact).length };
}

// The anchor list (annotations.views.panel_anchors): id -> {passage, start, end, colour,
// author} for every note, fetched again when the panel's marker names a new version (a
// filter, a whole-list update).
const anchors = new Map();
let anchorsFrom = "";

async function loadAnchors() {
  const marker = document.getElementById("annotation-anchors");
  const source = marker ? `${marker.dataset.url} ${marker.dataset.version}` : "";
  if (!marker || source === anchorsFrom) return;
  anchorsFrom = source;
  let data;
  try {
    const response = await fetch(marker.dataset.url, { headers: { Accept: "application/json" } });
    if (!response.ok) return;
    data = await response.json();
  } catch {
    return; // the cards on the page are still drawn
  }
  if (anchorsFrom !== source) return; // a newer list is on its way
  anchors.clear();
  for (const [id, passage, start, end, colour, author] of data.anchors) {
    anchors.set(String(id), { passage: String(passage), start, end, colour, author: data.authors[author] || "" });
  }
  scheduleRedraw();
}

/** What to highlight, by passage id: the anchors, each replaced by its card when on the page. */
function notesByPassage() {
  const notes = new Map(anchors);
  const list = document.getElementById(LIST_ID);
  for (const card of list ? list.querySelectorAll(".annotation-card[data-annotation]") : []) {
    if (card.parentElement?.closest(".replies")) continue;
    const id = card.dataset.annotation;
    if (card.dataset.orphaned === "true" || card.dataset.start === undefined) notes.delete(id);
    else notes.set(id, { passage: card.dataset.passage, colour: card.dataset.colour, card });
  }
  const groups = new Map();
  for (const [id, note] of notes) {
    if (!groups.has(note.passage)) groups.set(note.passage, []);
    groups.get(note.passage).push({ id, ...note });
  }
  return groups;
}

/** subject-red etc.; "multi" (several subjects) and anything else ("none") are neutral. */
function colourClass(colour) {
  if (SUBJECT_COLOURS.has(colour)) return `subject-${colour}`;
  return colour === "multi" ? "subject-multi" : "subject-none";
}

/** Does the selection make redrawing el now destructive? */
function selectionBlocks(el) {
  const sel = window.getSelection();
  if (!sel || sel.rangeCount === 0 || sel.isCollapsed) return false;
  const range = sel.getRangeAt(0);
  if (!range.intersectsNode(el)) return false;
  // Keyboard selection in progress: Shift+Arrow needs its anchor kept exactly.
  if (document.activeElement === el) return true;
  // A selection that only partly lies in el could not be restored by offsets.
  return !(el.contains(sel.anchorNode) && el.contains(sel.focusNode));
}

function drawPassage(el, notes) {
  const text = originalTextOf(el);
  const colours = new Map();
  const intervals = [];
  for (const note of notes) {
    // An anchor's offsets come from the server for this very text.
    const where = note.card ? locate(text, note.card) : { start: note.start, end: note.end };
    if (!where) continue;
    const { id } = note;
    intervals.push({ id, ...where });
    colours.set(id, note.colour || "none");
    state.byId.set(id, where);
  }
  const parts = segments(text, intervals);
  const key = JSON.stringify(
    parts.map((p) => [p.start, p.end, p.ids.map((id) => [id, colours.get(id)])]),
  );
  const record = drawn.get(el);
  const unchanged = record && record.key === key && el.firstChild === record.firstChild &&
    el.textContent === text;
  if (unchanged) return; // e.g. a poll brought the same cards: leave the DOM (and selection) be
  if (selectionBlocks(el)) {
    state.pending.add(el);
    return;
  }
  state.pending.delete(el);

  // Keep the user's caret or selection (by text offset) across the rebuild.
  const sel = window.getSelection();
  let saved = null;
  if (sel && sel.rangeCount > 0 && el.contains(sel.anchorNode) && el.contains(sel.focusNode)) {
    saved = [
      textOffsetOf(el, sel.anchorNode, sel.anchorOffset),
      textOffsetOf(el, sel.focusNode, sel.focusOffset),
    ];
  }

  const fragment = document.createDocumentFragment();
  for (const part of parts) {
    if (part.ids.length === 0) {
      fragment.append(part.text);
      continue;
    }
    const mark = document.createElement("mark");
    // The innermost annotation's colour: it is also the one a click opens.
    mark.className = `highlight ${colourClass(colours.get(part.ids[0]))}`;
    if (part.ids.length > 1) mark.classList.add("highlight-overlap");
    mark.dataset.annotations = part.ids.join(" ");
    describeMark(mark, part.ids);
    mark.textContent = part.text;
    fragment.append(mark);
  }
  el.replaceChildren(fragment);
  el.normalize();
  drawn.set(el, { key, firstChild: el.firstChild });

  if (saved) {
    const a = pointAt(el, saved[0]);
    const f = pointAt(el, saved[1]);
    sel.setBaseAndExtent(a.node, a.offset, f.node, f.offset);
  }
}

/** The subject a colour stands for, in words (WCAG 1.4.1: never colour alone). */
function subjectName(colour) {
  if (colour === "multi") return "several subjects";
  if (!SUBJECT_COLOURS.has(colour)) return "";
  const chip = document.querySelector(`.subject-chip.subject-${colour}`);
  return chip ? chip.textContent.trim() : "";
}

/** In words, whose note a highlight belongs to and what about. */
function noteDescription(id, card) {
  const anchor = anchors.get(id);
  const author = card ? card.querySelector(".card-author")?.textContent.trim() : anchor?.author;
  const subject = subjectName(card ? card.dataset.colour : anchor?.colour);
  return ["Note", subject && `on ${subject}`, author && `by ${author}`].filter(Boolean).join(" ");
}

/**
 * Tie a highlight to its note (the innermost one's card): aria-details points at the card,
 * and aria-description and the tooltip say in words which subject it is about (WCAG 1.3.1,
 * 1.4.1). The text itself is never touched: offsets count it.
 */
function describeMark(mark, ids) {
  const card = cardFor(ids[0]);
  if (card) mark.setAttribute("aria-details", card.id);
  let words = noteDescription(ids[0], card);
  if (ids.length > 1) words += ` (and ${ids.length - 1} more)`;
  mark.setAttribute("aria-description", words);
  mark.title = words;
}

/** Redraw every passage's highlights from the cards now in the panel. */
function redraw() {
  const groups = notesByPassage();
  state.byId.clear();
  for (const passage of document.querySelectorAll(".passage[data-passage]")) {
    const el = passage.querySelector(TEXT);
    if (el) drawPassage(el, groups.get(passage.dataset.passage) || []);
  }
}

/** Draw passages that waited for a selection, once it no longer stands in the way. */
function flushPending() {
  if (state.pending.size === 0) return;
  const waiting = [...state.pending].filter((el) => el.isConnected && !selectionBlocks(el));
  if (waiting.length) redraw();
}

let redrawQueued = false;
function scheduleRedraw() {
  if (redrawQueued) return;
  redrawQueued = true;
  // One redraw per batch of swaps (htmx settles several targets in the same task).
  queueMicrotask(() => {
    redrawQueued = false;
    enhancePassages();
    redraw();
    afterFormSwap();
    loadAnchors();
  });
}

// ---------------------------------------------------------------------------------------------
// Highlight <-> card

function cardFor(id) {
  const list = document.getElementById(LIST_ID);
  return list?.querySelector(`.annotation-card[data-annotation="${CSS.escape(id)}"]`) || null;
}

async function focusCard(id) {
  // A note further down the panel than the pages loaded so far comes on its own (panel.js).
  const card = cardFor(id) || await window.counterpoint?.panel?.reveal(id);
  if (!card) return;
  card.focus({ preventScroll: true });
  card.scrollIntoView({ block: "nearest", behavior: scrollBehavior() });
  addClassFor(card, "is-focused", FOCUSED_MS);
}

/** Of the annotations on a mark, the innermost (shortest): the most specific one. */
function innermostOf(mark) {
  const ids = (mark.dataset.annotations || "").split(/\s+/).filter(Boolean);
  const length = (id) => state.byId.get(id).end - state.byId.get(id).start;
  return ids.filter((id) => state.byId.has(id)).sort((a, b) => length(a) - length(b))[0] || ids[0];
}

// A click on a highlight opens its card, but not when the click ends a selection, and not on
// the first click of a double-click (which selects a word): hence the short wait.
let highlightTimer = 0;
function onHighlightClick(mark, event) {
  window.clearTimeout(highlightTimer);
  if (event.detail > 1) return;
  const id = innermostOf(mark);
  if (!id) return;
  highlightTimer = window.setTimeout(() => {
    if (window.getSelection()?.isCollapsed !== false) focusCard(id);
  }, 250);
}

function say(message) {
  document.body.dispatchEvent(new CustomEvent("announce", { detail: { message } }));
}

/**
 * Keyboard way from a paragraph to its notes (WCAG 2.1.1): ] and [ move the caret to the
 * next or previous highlight in the focused paragraph and say what it is; Enter then opens
 * its note. Shift+arrows and Enter on a selection still annotate.
 */
function moveToHighlight(el, step) {
  const marks = [...el.querySelectorAll("mark.highlight")];
  if (marks.length === 0) {
    say("No highlights in this paragraph.");
    return;
  }
  const at = marks.indexOf(state.currentMark);
  const next = at === -1 ? (step > 0 ? 0 : marks.length - 1) : at + step;
  if (next < 0 || next >= marks.length) {
    say(step > 0 ? "That was the last highlight in this paragraph." : "That was the first highlight in this paragraph.");
    return;
  }
  state.currentMark?.classList.remove("is-current");
  const mark = marks[next];
  state.currentMark = mark;
  mark.classList.add("is-current");
  window.getSelection()?.collapse(mark.firstChild || mark, 0);
  const about = mark.getAttribute("aria-description") || "Note";
  say(`Highlight ${next + 1} of ${marks.length}: “${mark.textContent}”. ${about}. Press Enter to open it.`);
}

function showInText(card) {
  const id = card.dataset.annotation;
  const marks = [
    ...document.querySelectorAll(`mark.highlight[data-annotations~="${CSS.escape(id)}"]`),
  ];
  if (marks.length === 0) {
    // Not drawn (orphaned or not found): at least go to its paragraph.
    const passageId = CSS.escape(card.dataset.passage || "");
    const passage = document.querySelector(`.passage[data-passage="${passageId}"]`);
    passage?.scrollIntoView({ block: "center", behavior: scrollBehavior() });
    return;
  }
  marks[0].scrollIntoView({ block: "center", behavior: scrollBehavior() });
  for (const mark of marks) addClassFor(mark, "flash", FLASH_MS);
}

// ---------------------------------------------------------------------------------------------
// Event wiring (all delegated)

function onClick(event) {
  const target = event.target;
  if (!(target instanceof Element)) return;
  const cancel = target.closest("[data-annotate-cancel]");
  const form = cancel?.closest(`#${FORM_ID}`);
  if (form) {
    event.preventDefault();
    closeForm(form);
    return;
  }
  const show = target.closest(".show-in-text");
  const card = show?.closest(".annotation-card");
  if (card) {
    event.preventDefault();
    showInText(card);
    return;
  }
  const mark = target.closest("mark.highlight");
  if (mark) onHighlightClick(mark, event);
}

function onKeyDown(event) {
  if (event.isComposing) return;
  const target = event.target;
  if (!(target instanceof Element)) return;
  const form = target.closest(`#${FORM_ID}`);
  if (event.key === "Escape" && form && !form.hidden) {
    event.preventDefault();
    closeForm(form);
    return;
  }
  const el = target.closest(TEXT);
  if (!el) return;
  delete el.dataset.pointerFocus; // keys in use: show the keyboard focus outline
  const plain = !event.ctrlKey && !event.altKey && !event.metaKey;
  if ((event.key === "]" || event.key === "[") && plain) {
    event.preventDefault();
    moveToHighlight(el, event.key === "]" ? 1 : -1);
    return;
  }
  if (event.key === "Enter" && plain) {
    event.preventDefault(); // never a line break in the passage
    const current = currentSelection();
    if (current && current.el === el) openForm(el, current.selector);
    else if (state.currentMark && el.contains(state.currentMark)) {
      const id = innermostOf(state.currentMark);
      if (id) focusCard(id);
    }
  } else if (event.key === "Escape" && state.offer) {
    hideButton();
    window.getSelection()?.collapseToEnd();
  }
}

function onChange(event) {
  const box = event.target;
  if (box instanceof HTMLInputElement && box.name === "subjects") {
    const form = box.closest(`#${FORM_ID}`);
    if (form) form.dataset.subjectsTouched = "true";
  }
}

function init() {
  // Focusable passages, caret and Shift+Arrow selection in them, every edit refused; a
  // redraw that waited for the selection may run once the passage loses focus.
  enhanceTexts = keyboardSelectable(TEXT, { onBlur: flushPending, describedBy: HINT_ID });
  enhancePassages();
  redraw();
  loadAnchors();
  document.addEventListener("panel:merged", scheduleRedraw);
  document.addEventListener("input", undoSlippedEdit);
  document.addEventListener("click", onClick);
  document.addEventListener("keydown", onKeyDown);
  document.addEventListener("change", onChange);
  document.addEventListener("selectionchange", onSelectionChange);
  document.addEventListener("pointerdown", (event) => {
    const onButton = event.target.closest?.(".annotate-button");
    if (event.pointerType === "mouse" && event.button === 0 && !onButton) state.pointerDown = true;
  }, true);
  const release = () => {
    state.pointerDown = false;
    // After the browser has finished updating the selection for this release.
    window.setTimeout(updateFromSelection, 0);
  };
  for (const type of ["pointerup", "pointercancel", "mouseup", "touchend", "keyup"]) {
    document.addEventListener(type, release, true);
  }
  window.addEventListener("resize", () => { if (state.offer) updateFromSelection(); });
  // htmx (if loaded) swaps cards, lists and passages; redraw once things have settled.
  document.addEventListener("htmx:afterSettle", scheduleRedraw);
  document.addEventListener("htmx:oobAfterSwap", scheduleRedraw);
  // A collapsed card opens in place when focused (a click on its highlight): keep the focus
  // on the card that replaces it, so keyboard and screen-reader users stay where they were.
  let reopened = null;
  document.addEventListener("htmx:beforeSwap", (event) => {
    const target = event.detail.target;
    if (target?.classList?.contains("is-collapsed") && document.activeElement === target) {
      reopened = target.id;
    }
  });
  document.addEventListener("htmx:afterSettle", () => {
    if (!reopened) return;
    document.getElementById(reopened)?.focus({ preventScroll: true });
    reopened = null;
  });
}

window.counterpoint = window.counterpoint || {};
window.counterpoint.annotator = {
  selectorFor,
  redraw,
  // A note taken away by a live update (live.js): no highlight until the list says again.
  forget(id) {
    anchors.delete(String(id));
    scheduleRedraw();
  },
};

if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
else init();
