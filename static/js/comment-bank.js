// The review page's comment bank: "Insert" puts a saved comment into the comment box at the
// cursor, for the section chosen under "About", to be edited and then added. Without this
// script the same button posts the form and the page comes back with the box filled.
// Listening on the document keeps working after htmx swaps the review in place.

function insertAtCursor(box, text) {
  const start = box.selectionStart ?? box.value.length;
  const end = box.selectionEnd ?? start;
  const before = box.value.slice(0, start);
  const after = box.value.slice(end);
  // Keep the words apart from what was already typed on either side.
  const lead = before && !/\s$/.test(before) ? " " : "";
  const trail = after && !/^\s/.test(after) ? " " : "";
  box.value = before + lead + text + trail + after;
  const caret = (before + lead + text).length;
  box.focus();
  box.setSelectionRange(caret, caret);
}

document.addEventListener("click", (event) => {
  const button = event.target.closest("button.bank-insert");
  if (!button) return;
  const form = document.getElementById(button.getAttribute("form"));
  const box = form && form.querySelector("textarea[name=body]");
  if (!box) return; // let the form post, as without JavaScript
  event.preventDefault();
  insertAtCursor(box, button.dataset.body);
  const bank = form.querySelector("input[name=bank]");
  if (bank) bank.value = button.value; // counts as a use of this bank comment once added
});
