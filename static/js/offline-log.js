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

function meta(name) {
  const tag = document.querySelector(`meta[name=${name}]`);
  return tag ? tag.content : "";
}

// True when the entry is settled (stored, or refused for good); false to try again later.
async function post(entry) {
  const { user, ...fields } = entry;
  const body = new URLSearchParams({ ...fields, csrf_token: meta("csrf-token") });
  const response = await fetch("/log", {
    method: "POST",
    body,
    headers: { Accept: "application/json" },
    credentials: "same-origin",
    redirect: "manual", // a lapsed login answers with a redirect: keep the entry
  });
  if (response.status === 200 || response.status === 201) return true;
  if (response.status !== 400) return false;
  const answer = await response.json().catch(() => ({}));
  return Boolean(answer.errors); // invalid for good; an expired token ("error") is retried
}

export async function flushPending() {
  const me = meta("circles-user");
  const entries = pending();
  if (!entries.length || !navigator.onLine || !me || !meta("csrf-token")) return 0;
  const left = [];
  for (const entry of entries) {
    // Only the person who logged it sends it: a shared phone never files it under someone else.
    if (entry.user !== me) {
      left.push(entry);
      continue;
    }
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
      user: meta("circles-user"),
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
