// "Select every student" on the submissions page: a checkbox in the table's header that ticks
// or clears every row's checkbox, and shows "mixed" when only some are ticked. Without
// JavaScript it stays hidden; the bulk form's "Every student" box does the same job.
for (const master of document.querySelectorAll("[data-select-all]")) {
  const name = master.dataset.selectAll;
  const form = document.getElementById(master.getAttribute("form"));
  const boxes = () =>
    Array.from(document.querySelectorAll(`input[type=checkbox][name="${name}"]`)).filter(
      (box) => box.form === form,
    );
  const sync = () => {
    const all = boxes();
    const ticked = all.filter((box) => box.checked).length;
    master.checked = all.length > 0 && ticked === all.length;
    master.indeterminate = ticked > 0 && ticked < all.length;
  };
  master.hidden = false;
  master.addEventListener("change", () => {
    for (const box of boxes()) box.checked = master.checked;
    master.indeterminate = false;
  });
  document.addEventListener("change", (event) => {
    if (event.target !== master && event.target.name === name) sync();
  });
  sync();
}
