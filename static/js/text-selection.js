// Text selection to W3C selectors, shared by the reading page's annotator (annotator.js) and
// the review page's comments on a student's words (anchored-comments.js).
//
// Offsets: the server (Python) counts in Unicode code points; JS strings count UTF-16 units.
// DOM work happens in UTF-16 units and every value that reaches the server (or comes from it)
// is in code points. codePointOffset and utf16Offset are the only bridge.
//
// An element whose text can be selected (`keyboardSelectable`) is focusable; while focused it
// is contenteditable only so that the caret and Shift+Arrow selection work, and every edit is
// refused. Its text content must be exactly the text the server anchors against.

export const CONTEXT = 32; // code points of prefix/suffix, as in the W3C TextQuoteSelector

/** Number of code points in text before the UTF-16 index `utf16Index`. */
export function codePointOffset(text, utf16Index) {
  return Array.from(text.slice(0, utf16Index)).length;
}

/** UTF-16 index of the code point offset `cpIndex` in text (the inverse of codePointOffset). */
export function utf16Offset(text, cpIndex) {
  return Array.from(text).slice(0, cpIndex).join("").length;
}

/** Offset of the DOM point (node, offset) in root's text; points outside clamp to 0 / length. */
export function textOffsetOf(root, node, offset) {
  const point = document.createRange();
  point.setStart(node, offset);
  let total = 0;
  const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
  for (let t = walker.nextNode(); t; t = walker.nextNode()) {
    if (t === node) return total + offset;
    // comparePoint <= 0: the end of this text node is at or before the point, so it all counts.
    if (point.comparePoint(t, t.length) > 0) break;
    total += t.length;
  }
  return total;
}

/** The DOM point (text node, offset) at text offset `target` in root, for restoring selections. */
export function pointAt(root, target) {
  let total = 0;
  let last = null;
  const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
  for (let t = walker.nextNode(); t; t = walker.nextNode()) {
    if (total + t.length >= target) return { node: t, offset: target - total };
    total += t.length;
    last = t;
  }
  return last ? { node: last, offset: last.length } : { node: root, offset: 0 };
}

/** Never cut a surrogate pair in half: widen [start, end) to whole code points. */
function snapToCodePoints(text, start, end) {
  const isLow = (i) => /[\uDC00-\uDFFF]/.test(text[i] || "");
  if (start > 0 && isLow(start)) start -= 1;
  if (end < text.length && isLow(end)) end += 1;
  return [start, end];
}

/**
 * The TextQuoteSelector and TextPositionSelector of `range` clamped to `el`'s text, or null
 * when nothing but whitespace is selected there: {exact, prefix, suffix, start, end} (code
 * points, measured over el.textContent, never Selection.toString()).
 */
export function quoteSelector(el, range) {
  const text = el.textContent;
  let start = textOffsetOf(el, range.startContainer, range.startOffset);
  let end = textOffsetOf(el, range.endContainer, range.endOffset);
  while (start < end && /\s/.test(text[start])) start += 1;
  while (end > start && /\s/.test(text[end - 1])) end -= 1;
  if (start >= end) return null;
  [start, end] = snapToCodePoints(text, start, end);
  const exact = text.slice(start, end);
  const before = Array.from(text.slice(0, start));
  const cpStart = before.length;
  return {
    exact,
    prefix: before.slice(-CONTEXT).join(""),
    suffix: Array.from(text.slice(end)).slice(0, CONTEXT).join(""),
    start: cpStart,
    end: cpStart + Array.from(exact).length,
  };
}

let lastPointerDown = -1e9; // when a pointer last went down, to tell pointer focus from Tab
document.addEventListener("pointerdown", () => { lastPointerDown = performance.now(); }, true);

/**
 * Make the elements matching `css` selectable by keyboard: focusable, caret and Shift+Arrow
 * selection while focused, every edit refused. Delegated on `document`, so elements htmx swaps
 * in work too once `enhance()` (returned) has given them a tabindex. `onBlur(el)` runs when
 * one loses focus; `describedBy` is the id of a hint for screen readers.
 */
export function keyboardSelectable(css, { onBlur = () => {}, describedBy = "" } = {}) {
  function enhance() {
    for (const el of document.querySelectorAll(css)) {
      if (!el.hasAttribute("tabindex")) el.tabIndex = 0;
      if (!describedBy) continue;
      const described = (el.getAttribute("aria-describedby") || "").split(/\s+/).filter(Boolean);
      if (!described.includes(describedBy)) {
        el.setAttribute("aria-describedby", [...described, describedBy].join(" "));
      }
    }
  }

  document.addEventListener("focusin", (event) => {
    const el = event.target.closest?.(css);
    if (!el || event.target !== el) return;
    el.contentEditable = "true";
    el.setAttribute("inputmode", "none");
    el.spellcheck = false;
    const byPointer = performance.now() - lastPointerDown < 500;
    // The dashed focus outline is for keyboard users; a click shows it only once keys are
    // used (an editable element always matches :focus-visible, so CSS alone cannot tell).
    if (byPointer) el.dataset.pointerFocus = "";
    // Arriving by keyboard, there is no caret yet: put it at the start so arrows work at once.
    const sel = window.getSelection();
    if (!byPointer && sel && !(sel.anchorNode && el.contains(sel.anchorNode))) {
      sel.collapse(el, 0);
    }
  });
  document.addEventListener("focusout", (event) => {
    const el = event.target.closest?.(css);
    if (!el || event.target !== el) return;
    el.removeAttribute("contenteditable");
    el.removeAttribute("inputmode");
    delete el.dataset.pointerFocus;
    onBlur(el);
  });
  const refuse = (event) => {
    if (event.target.closest?.(css)) event.preventDefault();
  };
  document.addEventListener("beforeinput", refuse);
  for (const type of ["paste", "drop", "cut"]) document.addEventListener(type, refuse);
  document.addEventListener("keydown", (event) => {
    const el = event.target.closest?.(css);
    if (el) delete el.dataset.pointerFocus; // keys in use: show the keyboard focus outline
  });
  enhance();
  return enhance;
}

/**
 * Place a floating button (Annotate, Comment) where it hides nothing selected and nothing
 * that follows: above the selection's first line (over text already read), at its start. Only
 * when that would leave the viewport does it go below the last line instead.
 */
export function placeButton(btn, range) {
  const rects = [...range.getClientRects()].filter((r) => r.width > 0 && r.height > 0);
  const first = rects[0] || range.getBoundingClientRect();
  const last = rects.at(-1) || first;
  const { offsetWidth: w, offsetHeight: h } = btn;
  const viewW = document.documentElement.clientWidth;
  const viewH = document.documentElement.clientHeight;
  const gap = 4;
  const selectionTop = Math.min(...rects.map((r) => r.top), first.top);
  let top = selectionTop - h - gap;
  let left = first.left;
  if (top < 8) {
    top = Math.min(last.bottom + gap, viewH - h - 8);
    left = last.left;
  }
  left = Math.max(8, Math.min(left, viewW - w - 8));
  btn.style.left = `${left + window.scrollX}px`;
  btn.style.top = `${top + window.scrollY}px`;
}
