// Live updates for the annotation panel.
//
// The panel's poll element asks every 5 s with the ETag it was rendered with; the server
// answers 304 when nothing changed, or sends out-of-band swaps: usually only the cards that
// changed (into #annotation-updates, merged into the list here), sometimes the whole list
// (annotations.live says when). Three jobs here:
// 1. Merge the changed cards: each replaces its old version or goes where the panel's order
//    puts it (the data-order key of its list item); data-remove items take a card away.
//    The poll names the cards shown in full (`open`), so they come back in full.
// 2. Never wipe what someone is typing: while a reply or an edit inside the list is in
//    progress, skip the update. The poll keeps its old ETag, so the next poll brings the
//    changes again once the person is done.
// 3. Tell screen-reader users what arrived, without moving focus.
// 4. Never let a poll answer undo the reader's own newer change (see ownSincePoll).
// 5. Let the reader pause the updates (WCAG 2.2.2), remembered in this browser, and never
//    replace a card that has focus: its update waits, with a polite notice, until focus
//    leaves it.

const PAUSED = "counterpoint:live-paused";
const waiting = new Map(); // card id -> its update (a list item), held while it has focus

function stored() {
  try {
    return window.localStorage.getItem(PAUSED) === "yes";
  } catch {
    return false; // no storage (some private windows): start live, pause for this page only
  }
}
let isPaused = stored();
const paused = () => isPaused;

function holdsFocus(element) {
  const active = document.activeElement;
  return Boolean(active && active !== document.body && element.contains(active));
}

function holdUpdate(old, item) {
  waiting.set(old.id, item);
  item.remove();
  if (old.querySelector(".live-waiting")) return;
  const notice = document.createElement("p");
  notice.className = "meta live-waiting";
  notice.setAttribute("role", "status");
  notice.textContent = "This note has changed. The new version shows when you move away from it.";
  old.append(notice);
}

function releaseWaiting() {
  const target = list();
  if (!target) return;
  const ready = document.createElement("ol");
  for (const [id, item] of waiting) {
    const card = document.getElementById(id);
    if (card && holdsFocus(card)) continue;
    waiting.delete(id);
    ready.append(item);
  }
  if (ready.children.length) mergeUpdates(ready, target);
}

const list = () => document.getElementById("annotation-list");

function openCardIds() {
  return [...document.querySelectorAll("#annotation-list .annotation-card:not(.is-collapsed)")]
    .map((card) => card.dataset.annotation)
    .join(",");
}

function placeInOrder(target, item) {
  const key = item.dataset.order || "";
  const after = [...target.children].find((li) => (li.dataset.order || "") > key);
  target.insertBefore(item, after || null);
}

export function mergeUpdates(updates, target) {
  for (const item of [...updates.children]) {
    const gone = item.dataset.remove;
    const card = item.querySelector(".annotation-card");
    const old = document.getElementById(gone || card?.id || "");
    if (old && target.contains(old) && holdsFocus(old)) {
      holdUpdate(old, item);
      continue;
    }
    if (old && target.contains(old)) (old.closest("li") || old).remove();
    if (gone) window.counterpoint?.annotator?.forget(gone.replace("annotation-", ""));
    if (gone || !card) {
      item.remove();
      continue;
    }
    placeInOrder(target, item);
    // htmx processes swapped-in content when it settles, and by then this card has left
    // #annotation-updates: process it here, or its hx-get/hx-post would do nothing.
    window.htmx?.process(item);
  }
  const empty = target.querySelector(":scope > li.empty");
  if (empty && target.querySelector(".annotation-card")) empty.remove();
}

function isBusy(element) {
  if (!element) return false;
  const active = document.activeElement;
  if (active && element.contains(active) && active.matches("textarea, input, select")) {
    return true;
  }
  const typing = [...element.querySelectorAll("textarea")].some((t) => t.value.trim() !== "");
  const openForm = element.querySelector(".card-extra form") !== null;
  return typing || openForm;
}

function cardIds() {
  return new Set([...document.querySelectorAll("#annotation-list .annotation-card")].map((c) => c.id));
}

let before = null;
let wholeListWaiting = false; // said once that a whole-list update waits for focus to leave

// A poll answer can be older than what the reader's own request just put on the page (a
// reply saved while the poll was on its way): then skip it and let the next poll, with the
// old ETag, bring everything.
let ownRequests = 0;
let ownSincePoll = false;

document.body.addEventListener("htmx:beforeRequest", (event) => {
  if (event.detail.elt.id === "annotation-poll" && paused()) {
    event.preventDefault(); // no request at all; the next one after resuming brings it all
    return;
  }
  if (event.detail.elt.id === "annotation-poll") {
    ownSincePoll = ownRequests > 0;
  } else {
    ownRequests += 1;
    ownSincePoll = true;
  }
});

document.body.addEventListener("htmx:afterRequest", (event) => {
  if (event.detail.elt.id !== "annotation-poll") ownRequests = Math.max(0, ownRequests - 1);
});

document.body.addEventListener("htmx:beforeSwap", (event) => {
  if (event.detail.elt.id !== "annotation-poll") return;
  if (event.detail.xhr.status === 304 || isBusy(list()) || ownSincePoll) {
    event.detail.shouldSwap = false;
    return;
  }
  // Sometimes the answer is the whole list, which would replace the card being read: wait
  // (the poll keeps its old ETag, so it comes again) until focus leaves the list.
  const whole = (event.detail.serverResponse || "").includes('id="annotation-list"');
  if (whole && list() && holdsFocus(list())) {
    event.detail.shouldSwap = false;
    if (!wholeListWaiting) {
      wholeListWaiting = true;
      const message = "New annotations are waiting. They show when you leave this note.";
      document.body.dispatchEvent(new CustomEvent("announce", { detail: { message } }));
    }
    return;
  }
  wholeListWaiting = false;
  before = cardIds();
});

document.body.addEventListener("htmx:configRequest", (event) => {
  if (event.detail.elt.id !== "annotation-poll") return;
  const open = openCardIds();
  if (open) event.detail.parameters.open = open;
});

// htmx fires this on the elements swapped in (the new #annotation-updates among them).
document.body.addEventListener("htmx:oobAfterSwap", (event) => {
  const updates = event.target;
  if (updates.id !== "annotation-updates" || !updates.isConnected || !list()) return;
  mergeUpdates(updates, list());
});

document.body.addEventListener("htmx:afterSettle", (event) => {
  if (event.detail.elt.id !== "annotation-poll" || before === null) return;
  const added = [...cardIds()].filter((id) => !before.has(id)).length;
  before = null;
  if (added > 0) {
    const message = added === 1 ? "1 new annotation." : `${added} new annotations.`;
    document.body.dispatchEvent(new CustomEvent("announce", { detail: { message } }));
  }
});

// Focus left a card whose update was waiting: show the new version now.
document.addEventListener("focusout", () => {
  if (waiting.size) window.setTimeout(releaseWaiting, 0);
});

const pause = document.getElementById("live-pause");
if (pause) {
  pause.checked = paused();
  pause.closest(".live-control").hidden = false;
  pause.addEventListener("change", () => {
    isPaused = pause.checked;
    try {
      window.localStorage.setItem(PAUSED, isPaused ? "yes" : "no");
    } catch {
      // No storage: the pause still holds until the page is left.
    }
    const message = isPaused ? "Live updates paused." : "Live updates resumed.";
    document.body.dispatchEvent(new CustomEvent("announce", { detail: { message } }));
  });
}
