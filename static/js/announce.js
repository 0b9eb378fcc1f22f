// Speak short confirmations ("Subject saved.") through the page's live region,
// without moving focus. Servers send them as an htmx "announce" client event.
document.body.addEventListener("announce", (event) => {
  const region = document.getElementById("announcer");
  if (!region) return;
  region.textContent = "";
  // A fresh text node after a tick makes screen readers repeat identical messages.
  window.setTimeout(() => { region.textContent = event.detail.message; }, 50);
});
