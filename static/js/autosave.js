// Autosave for text boxes that must never lose what a student typed: the essay draft's
// paragraphs and the outline editor's fields both use it.
//
// Each box carries data-autosave="<key>". Typing queues the key's latest text; saves go one
// at a time after a pause (or when the box loses focus), each with the page's version, and a
// second save must use the version the first one returned. A network failure keeps the text,
// says so and retries with a growing delay. A 409 means another tab changed the work: saving
// stops, the box says so next to itself, keeps the text, and offers "Load the new version"
// (drops the unsaved text) or "Keep mine" (saves it deliberately over the new version).
// Leaving the page with unsaved text asks first.
//
//   const saver = autosave({
//     root,                        // element holding the boxes
//     status,                      // live region for "All changes saved."
//     url,                         // where to POST
//     version: { get, set },       // the page's version
//     body: (key, text, version) => FormData,
//     onSaved: (key, data) => {},  // optional, with the JSON answer
//     canSend: () => true,         // optional: false while another request is in flight
//     noun: "outline",             // for messages
//   });
//
// `drain()` waits for the text typed so far only, so a choice made between two boxes is saved
// as soon as the text before it is, however long the student goes on typing.

const csrf = () => JSON.parse(document.body.getAttribute("hx-headers") || "{}")["X-CSRFToken"];

export function autosave({ root, status, url, version, body, onSaved, canSend, noun }) {
  const pending = new Map(); // key -> latest unsaved text
  // Each edit's number, so a caller can wait for the text typed so far and not for what is
  // typed after it: key -> the number of its latest unsaved text, and of its latest saved.
  let edits = 0;
  const pendingEdit = new Map();
  const savedEdit = new Map();
  const timers = new Map();
  let saving = false;
  let stopped = false;
  let retryDelay = 2000;
  const drainWaiters = []; // { want: Map(key -> edit number), resolve }

  const find = (key) => root.querySelector(`[data-autosave="${CSS.escape(key)}"]`);
  const say = (message) => { if (status) status.textContent = message; };
  const busy = () => pending.size > 0 || saving;

  const drained = (want) => stopped
    || (!saving && [...want].every(([key, edit]) => (savedEdit.get(key) || 0) >= edit));

  function settle() {
    const ready = drainWaiters.filter((waiter) => drained(waiter.want));
    ready.forEach((waiter) => {
      drainWaiters.splice(drainWaiters.indexOf(waiter), 1);
      waiter.resolve();
    });
  }

  function schedule(key, delay = 1200) {
    clearTimeout(timers.get(key));
    timers.set(key, setTimeout(flush, delay));
  }

  async function flush() {
    if (saving || stopped || pending.size === 0) { settle(); return; }
    if (canSend && !canSend()) { setTimeout(flush, 200); return; }
    const [key, text] = pending.entries().next().value;
    const edit = pendingEdit.get(key);
    let failed = false;
    saving = true;
    say("Saving…");
    try {
      const response = await fetch(url, {
        method: "POST",
        body: body(key, text, version.get()),
        headers: { "X-CSRFToken": csrf(), Accept: "application/json" },
        credentials: "same-origin",
      });
      const data = await response.json().catch(() => ({}));
      if (response.status === 409) {
        stopped = true;
        showConflict(key, data);
      } else if (response.status === 400) {
        // Refused as it stands (too long, handed in meanwhile): retrying would not help.
        stopped = true;
        markUnsaved(key, data.detail || "This was not saved.");
        say(`Not saved: ${data.detail || "the server refused it."}`);
      } else if (!response.ok) {
        throw new Error(data.detail || `HTTP ${response.status}`);
      } else {
        version.set(data.version);
        savedEdit.set(key, edit);
        if (pending.get(key) === text) { pending.delete(key); pendingEdit.delete(key); }
        clearMark(key);
        retryDelay = 2000;
        if (onSaved) onSaved(key, data);
        say(pending.size ? "Saving…" : "All changes saved.");
      }
    } catch (error) {
      // Offline, server restarting, or a bad gateway: keep the text and try again.
      failed = true;
      say(`Not saved yet (${error.message || "no connection"}). Your text is kept; retrying…`);
      setTimeout(flush, retryDelay);
      retryDelay = Math.min(retryDelay * 2, 30000);
    } finally {
      saving = false;
    }
    if (pending.size && !stopped && !failed) setTimeout(flush, 50);
    settle();
  }

  // --- telling the student, at the box ---------------------------------------------------

  function noteFor(key) {
    const box = find(key);
    if (!box) return null;
    let note = box.parentElement.querySelector(`.save-note[data-for="${CSS.escape(key)}"]`);
    if (!note) {
      note = document.createElement("div");
      note.className = "save-note";
      note.dataset.for = key;
      note.id = `${box.id}-save-note`;
      note.setAttribute("role", "alert");
      box.after(note);
      const described = (box.getAttribute("aria-describedby") || "").split(" ").filter(Boolean);
      box.setAttribute("aria-describedby", [...described, note.id].join(" "));
    }
    box.setAttribute("aria-invalid", "true");
    box.classList.add("unsaved");
    note.replaceChildren();
    return note;
  }

  function markUnsaved(key, message) {
    const note = noteFor(key);
    if (!note) return;
    const p = document.createElement("p");
    p.textContent = message;
    note.append(p);
  }

  function clearMark(key) {
    const box = find(key);
    if (!box) return;
    box.removeAttribute("aria-invalid");
    box.classList.remove("unsaved");
    const note = box.parentElement.querySelector(`.save-note[data-for="${CSS.escape(key)}"]`);
    if (!note) return;
    note.remove();
    const described = (box.getAttribute("aria-describedby") || "").split(" ")
      .filter((id) => id && id !== note.id);
    if (described.length) box.setAttribute("aria-describedby", described.join(" "));
    else box.removeAttribute("aria-describedby");
  }

  function showConflict(key, data) {
    say(`Not saved: this ${noun} changed in another tab or window.`);
    const note = noteFor(key);
    if (!note) return;
    note.classList.add("conflict");
    const p = document.createElement("p");
    p.textContent = data.detail || `This ${noun} was changed elsewhere, so this was not saved.`;
    const choices = document.createElement("p");
    choices.className = "save-note-actions";
    const keep = document.createElement("button");
    keep.type = "button";
    keep.className = "small";
    keep.textContent = "Keep mine";
    keep.title = "Save your text over the other change";
    keep.addEventListener("click", () => {
      // Deliberately over the newer version: the student has seen the warning.
      if (Number.isInteger(data.version)) version.set(data.version);
      document.querySelectorAll(".save-note.conflict").forEach((n) => clearMark(n.dataset.for));
      stopped = false;
      flush();
    });
    const reload = document.createElement("button");
    reload.type = "button";
    reload.className = "secondary small";
    reload.textContent = "Load the new version";
    reload.title = "Reload the page; the text you typed here is dropped";
    reload.addEventListener("click", () => {
      pending.clear();
      window.location.reload();
    });
    choices.append(keep, " ", reload);
    note.append(p, choices);
  }

  // --- listening to the boxes ------------------------------------------------------------

  root.addEventListener("input", (event) => {
    const box = event.target.closest?.("[data-autosave]");
    if (!box || box.readOnly) return;
    pending.set(box.dataset.autosave, box.value);
    pendingEdit.set(box.dataset.autosave, ++edits);
    if (!stopped) say("Editing…");
    schedule(box.dataset.autosave);
  });
  root.addEventListener("focusout", (event) => {
    const box = event.target.closest?.("[data-autosave]");
    if (box && pending.has(box.dataset.autosave)) schedule(box.dataset.autosave, 0);
  });
  window.addEventListener("beforeunload", (event) => {
    if (busy()) event.preventDefault();
  });
  // Text typed before this script ran (a fast typist on a slow page), or put back by the
  // browser on returning to the page, differs from what the server sent: save it too.
  root.querySelectorAll("[data-autosave]").forEach((box) => {
    if (box.readOnly || box.value === box.defaultValue) return;
    pending.set(box.dataset.autosave, box.value);
    pendingEdit.set(box.dataset.autosave, ++edits);
    schedule(box.dataset.autosave, document.activeElement === box ? 1200 : 0);
  });

  return {
    flush,
    pending: () => pending.size + (saving ? 1 : 0),
    // Resolves once the text typed so far is saved (or saving stopped on a conflict), and no
    // save is on its way; text typed after the call does not hold it up. Saves it now.
    drain: () => new Promise((resolve) => {
      drainWaiters.push({ want: new Map(pendingEdit), resolve });
      timers.forEach((timer) => clearTimeout(timer));
      timers.clear();
      flush();
    }),
    // After part of the page is replaced, put back text that is not saved yet.
    restore() {
      pending.forEach((text, key) => {
        const box = find(key);
        if (box && box.value !== text) box.value = text;
      });
    },
  };
}
