// A meetup's end (who came) waits on this phone until the server has it. The meetup screen
// sends it; so does any other page opened once the phone is back online.
const PREFIX = "run:";
const SUFFIX = ":end";

export function read(key) {
  try {
    return JSON.parse(localStorage.getItem(key) || "null");
  } catch {
    return null;
  }
}

export function keepEnd(screenKey, action, body) {
  localStorage.setItem(screenKey + SUFFIX, JSON.stringify({ action, body }));
}

export function hasEnd(screenKey) {
  return read(screenKey + SUFFIX) !== null;
}

// Send the kept end of one meetup: "offline" or "retry" keep it; "refused" and "saved" drop it.
export async function sendEnd(screenKey) {
  const pending = read(screenKey + SUFFIX);
  if (!pending) return { outcome: "none" };
  let response;
  try {
    response = await fetch(pending.action, {
      method: "POST",
      body: pending.body,
      headers: { "Content-Type": "application/x-www-form-urlencoded", Accept: "application/json" },
      credentials: "same-origin",
    });
  } catch {
    return { outcome: "offline" };
  }
  if (response.status >= 500) return { outcome: "retry" };
  localStorage.removeItem(screenKey + SUFFIX);
  const answer = await response.json().catch(() => ({}));
  if (!response.ok || !answer.url) return { outcome: "refused", error: answer.error };
  localStorage.removeItem(screenKey); // the screen's own state: the meetup is over
  return { outcome: "saved", url: answer.url };
}

// Every kept end on this phone, sent now (pages other than the meetup screen call this).
export function sendAllEnds() {
  const keys = [];
  for (let i = 0; i < localStorage.length; i += 1) {
    const key = localStorage.key(i);
    if (key && key.startsWith(PREFIX) && key.endsWith(SUFFIX)) keys.push(key.slice(0, -SUFFIX.length));
  }
  return Promise.all(keys.map((key) => sendEnd(key)));
}
