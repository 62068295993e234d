// The offline queue for the two-tap log: a 1:1 logged without a connection is kept on this
// phone and sent when the connection is back. Each entry carries its client id, so a retry
// that reaches the server twice is still stored once.
const KEY = "circles.pending-log";

function pending() {
  try {
    return JSON.parse(localStorage.getItem(KEY) || "[]");
  } catch {
    return [];
  }
}

function keep(entries) {
  localStorage.setItem(KEY, JSON.stringify(entries));
}

function csrfToken() {
  const meta = document.querySelector("meta[name=csrf-token]");
  return meta ? meta.content : "";
}

async function post(entry) {
  const body = new URLSearchParams({ ...entry, csrf_token: csrfToken() });
  const response = await fetch("/log", {
    method: "POST",
    body,
    headers: { Accept: "application/json" },
    credentials: "same-origin",
  });
  return response.status === 200 || response.status === 201 || response.status === 400;
}

export async function flushPending() {
  const entries = pending();
  if (!entries.length || !navigator.onLine || !csrfToken()) return 0;
  const left = [];
  for (const entry of entries) {
    try {
      if (!(await post(entry))) left.push(entry);
    } catch {
      left.push(entry);
    }
  }
  keep(left);
  return entries.length - left.length;
}

export function enableOfflineLog(root) {
  const form = root.querySelector("form[data-offline-log]");
  if (!form) return;
  form.addEventListener("submit", (event) => {
    if (navigator.onLine) return; // online: the ordinary form post
    event.preventDefault();
    const button = event.submitter;
    const entry = {
      intensity: button ? button.value : "",
      client_id: form.querySelector("input[name=client_id]").value,
    };
    const day = form.querySelector("input[name=day]");
    entry.day = day ? day.value : new Date().toLocaleDateString("en-CA");
    keep([...pending(), entry]);
    const note = document.createElement("p");
    note.className = "notice";
    note.setAttribute("role", "status");
    note.textContent = "Logged on this phone. It will be sent when you're back online.";
    form.replaceWith(note);
  });
  window.addEventListener("online", () => flushPending());
}
