// The offline queue for the two-tap log: a 1:1 logged without a connection is kept on this
// phone and sent when the connection is back. Each entry carries its client id, so a retry
// that reaches the server twice is still stored once.
const KEY = "circles.pending-log";
// Who last opened Circles with a connection on this phone: the offline log page is kept
// without the session, so this is how an entry made there knows whose it is.
const USER_KEY = "circles.user";

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

function isShell() {
  return meta("circles-shell") !== "";
}

// The person logged in on this phone: from the page when online, else the last one seen.
function currentUser() {
  const me = meta("circles-user");
  if (me) {
    localStorage.setItem(USER_KEY, me);
    return me;
  }
  if (!isShell()) {
    localStorage.removeItem(USER_KEY); // a logged-out page: nobody is logged in here now
    return "";
  }
  return localStorage.getItem(USER_KEY) || "";
}

function newClientId() {
  return crypto.randomUUID();
}

function say(form, words) {
  const note = document.createElement("p");
  note.className = "notice";
  note.setAttribute("role", "status");
  note.textContent = words;
  form.replaceWith(note);
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
  const user = currentUser();
  const form = root.querySelector("form[data-offline-log]");
  if (!form) return;
  const shell = form.hasAttribute("data-offline-shell");
  if (shell && !user) {
    say(form, "Nobody is logged in on this phone. Log in once you're back online to log a 1:1.");
    return;
  }
  form.addEventListener("submit", (event) => {
    if (navigator.onLine && !shell) return; // online: the ordinary form post
    event.preventDefault();
    const button = event.submitter;
    const entry = {
      user,
      intensity: button ? button.value : "",
      client_id: form.querySelector("input[name=client_id]").value || newClientId(),
    };
    const day = form.querySelector("input[name=day]");
    entry.day = day ? day.value : new Date().toLocaleDateString("en-CA");
    keep([...pending(), entry]);
    if (shell) {
      root.querySelector("[data-offline-note]")?.remove();
      say(form, "Logged on this phone. It will be sent the next time you open Circles with a connection.");
    } else {
      say(form, "Logged on this phone. It will be sent when you're back online.");
    }
  });
  // The offline page cannot send (it has no login): back online, load the real page, which does.
  window.addEventListener("online", () => (shell ? reloadWhenReachable() : flushPending()));
}

// "online" can come before the server answers again: check before leaving the offline page.
async function reloadWhenReachable(tries = 10) {
  try {
    const answer = await fetch(window.location.pathname, { method: "HEAD", cache: "no-store" });
    if (answer.ok) {
      window.location.reload();
      return;
    }
  } catch {
    // still unreachable
  }
  if (tries > 1 && navigator.onLine) setTimeout(() => reloadWhenReachable(tries - 1), 1000);
}

// Back online after queuing: say so once the entries are stored.
export async function sendPending(root) {
  const sent = await flushPending();
  if (!sent) return;
  const status = root.querySelector(".flashes");
  if (!status) return;
  const note = document.createElement("p");
  note.className = "flash flash-info";
  note.textContent = sent === 1 ? "Your 1:1 logged offline is saved." : `Your ${sent} 1:1s logged offline are saved.`;
  status.append(note);
}
