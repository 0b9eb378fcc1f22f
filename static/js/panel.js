// The annotation panel in pages (annotations/panel.py): the page brings the first cards;
// the rest come a page at a time when the "Load more notes" form scrolls into view or is
// pressed, and a note whose highlight is clicked before its card came is fetched alone.
// Without this module the form still works: it opens the reading page at the next page.
// Every card lands in the list by its data-order key, as live updates do (live.js), and a
// card already on the page is never added twice.

const list = () => document.getElementById("annotation-list");

function say(message) {
  document.body.dispatchEvent(new CustomEvent("announce", { detail: { message } }));
}

function placeInOrder(target, item) {
  const key = item.dataset.order || "";
  const after = [...target.children].find((li) => (li.dataset.order || "") > key);
  target.insertBefore(item, after || null);
}

async function items(url) {
  const response = await fetch(url, { headers: { "HX-Request": "true" } });
  if (!response.ok) throw new Error(String(response.status));
  const template = document.createElement("template");
  template.innerHTML = await response.text();
  return [...template.content.children];
}

/** Merge list items into the list: new cards in order, the next page's form at the end. */
function merge(fresh) {
  const target = list();
  const added = [];
  for (const item of fresh) {
    if (item.classList.contains("load-more")) {
      target.querySelector(":scope > li.load-more")?.remove();
      target.append(item);
      added.push(item);
      continue;
    }
    const card = item.querySelector(".annotation-card");
    if (!card || document.getElementById(card.id)) continue;
    placeInOrder(target, item);
    added.push(item);
  }
  for (const item of added) window.htmx?.process(item);
  target.querySelector(":scope > li.empty")?.remove();
  // annotator.js redraws the highlights after htmx swaps; this is not one.
  document.dispatchEvent(new CustomEvent("panel:merged"));
  return added.filter((item) => !item.classList.contains("load-more"));
}

let loading = false;
async function loadMore(form) {
  if (loading || !form.isConnected) return;
  loading = true;
  const hadFocus = form.contains(document.activeElement);
  form.setAttribute("aria-busy", "true");
  try {
    const fresh = await items(form.dataset.page);
    form.closest("li")?.remove();
    const added = merge(fresh);
    if (hadFocus) added[0]?.querySelector(".annotation-card")?.focus();
    say(added.length === 1 ? "1 more note." : `${added.length} more notes.`);
  } catch {
    form.removeAttribute("aria-busy");
    say("The next notes could not be loaded. Try again.");
  } finally {
    loading = false;
    watch();
  }
}

/** The card of note `id`, fetched in full first if the panel has not loaded it yet. */
async function reveal(id) {
  const find = () => document.getElementById(`annotation-${id}`);
  if (find() || !list()?.dataset.page) return find();
  try {
    merge(await items(`${list().dataset.page}?ids=${encodeURIComponent(id)}`));
  } catch {
    say("That note could not be loaded.");
  }
  return find();
}

const observer = "IntersectionObserver" in window
  ? new IntersectionObserver((entries) => {
    for (const entry of entries) {
      if (entry.isIntersecting) loadMore(entry.target.querySelector("form"));
    }
  }, { rootMargin: "300px 0px" })
  : null;

function watch() {
  observer?.disconnect();
  const more = list()?.querySelector(":scope > li.load-more[data-order]");
  if (more) observer?.observe(more);
}

document.addEventListener("submit", (event) => {
  const form = event.target.closest?.("li.load-more form[data-page]");
  if (!form) return;
  event.preventDefault();
  loadMore(form);
});
// A filter swaps the list in; a whole-list update swaps it out of band.
document.addEventListener("htmx:afterSettle", watch);
document.addEventListener("htmx:oobAfterSwap", watch);

window.counterpoint = window.counterpoint || {};
window.counterpoint.panel = { reveal };
watch();
