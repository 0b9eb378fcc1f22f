// After an LTI launch inside the LMS's iframe: if the session cookie came back, go straight
// on to the page; if the browser blocked it, leave the "open in a new tab" link in view.
const box = document.getElementById("lti-launch");
if (box) {
  fetch(box.dataset.check, { credentials: "same-origin", headers: { Accept: "application/json" } })
    .then((response) => response.json())
    .then((answer) => {
      if (answer.signed_in) {
        window.location.replace(box.dataset.next);
      } else {
        document.getElementById("lti-continue").hidden = true;
      }
    })
    .catch(() => {});
}
