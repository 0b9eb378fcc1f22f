// Live updates for the annotation panel.
//
// The panel's poll element asks every 5 s with the ETag it was rendered with; the server
// answers 304 when nothing changed, or sends the new results as out-of-band swaps. Two
// jobs here:
// 1. Never wipe what someone is typing: while a reply or an edit inside the list is in
//    progress, skip the update. The poll keeps its old ETag, so the next poll brings the
//    changes again once the person is done.
// 2. Tell screen-reader users what arrived, without moving focus.

const list = () => document.getElementById("annotation-list");

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

document.body.addEventListener("htmx:beforeSwap", (event) => {
  if (event.detail.elt.id !== "annotation-poll") return;
  if (event.detail.xhr.status === 304 || isBusy(list())) {
    event.detail.shouldSwap = false;
    return;
  }
  before = cardIds();
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
