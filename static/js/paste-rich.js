// Pasting formatted text into the import page keeps its structure.
//
// Copied from a browser or a word processor, the clipboard holds the selection as HTML as well
// as plain text. The HTML goes into the form's hidden `pasted_html` field for the server to
// convert (like a web page: headings, lists and the table kept, everything else reduced to
// plain text); the text box shows the plain text meanwhile. "Check the article" then replaces
// it with the converted article, which is the preview the report's line numbers point into.
// Typing in the box afterwards means the teacher is editing text, so the HTML is let go.

const form = document.querySelector("form[data-rich-paste]");
const box = form?.querySelector("textarea[name=markdown]");
const hidden = form?.querySelector("input[name=pasted_html]");
const note = form?.querySelector("[data-rich-paste-note]");

function forget() {
  hidden.value = "";
  note.hidden = true;
}

if (box && hidden && note) {
  box.addEventListener("paste", (event) => {
    const html = event.clipboardData?.getData("text/html") ?? "";
    if (!html.trim()) {
      forget();
      return;
    }
    event.preventDefault();
    // Everything in the box is replaced: the pasted article is converted as one piece.
    box.value = event.clipboardData.getData("text/plain");
    hidden.value = html;
    note.hidden = false;
  });
  box.addEventListener("input", (event) => {
    if (event.inputType !== "insertFromPaste") forget();
  });
  form.dataset.richPasteReady = "true"; // a paste from now on keeps its structure
}
