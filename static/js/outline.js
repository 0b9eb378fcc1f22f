// Drag and drop for the outline editor (SortableJS), alongside the up/down buttons that
// keyboard users have. After a drop, the whole new order is posted once through the hidden
// reorder form, so the server checks the outline's version like for any other edit.

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
