// Reminders on this device: subscribe on a tap (never on page load), unsubscribe, show the state.
const panel = document.querySelector("[data-push-panel]");

function csrfToken() {
  const meta = document.querySelector("meta[name=csrf-token]");
  return meta ? meta.content : "";
}

function keyBytes(base64url) {
  const padded = (base64url + "===".slice((base64url.length + 3) % 4)).replace(/-/g, "+").replace(/_/g, "/");
  return Uint8Array.from(atob(padded), (c) => c.charCodeAt(0));
}

async function send(method, body) {
  const response = await fetch("/push/subscriptions", {
    method,
    headers: { "Content-Type": "application/json", "X-CSRFToken": csrfToken() },
    body: JSON.stringify(body),
    credentials: "same-origin",
  });
  if (!response.ok && response.status !== 204) {
    const error = new Error(`push ${method} ${response.status}`);
    error.name = "CirclesRefused";
    throw error;
  }
}

function show(state, subscribed) {
  panel.querySelector("[data-push-state]").textContent = state;
  panel.querySelector("[data-push-on]").hidden = subscribed;
  panel.querySelector("[data-push-off]").hidden = !subscribed;
}

async function turnOn(registration) {
  const permission = await Notification.requestPermission();
  if (permission !== "granted") {
    show("Reminders are blocked for this site. You can allow them in the browser's settings.", false);
    return;
  }
  const { publicKey } = await (await fetch("/push/public-key")).json();
  const subscription = await registration.pushManager.subscribe({
    userVisibleOnly: true,
    applicationServerKey: keyBytes(publicKey),
  });
  await send("POST", subscription.toJSON());
  show("Reminders are on for this device.", true);
}

async function turnOff(registration) {
  const subscription = await registration.pushManager.getSubscription();
  if (subscription) {
    await send("DELETE", { endpoint: subscription.endpoint });
    await subscription.unsubscribe();
  }
  show("Reminders are off on this device.", false);
}

// The real cause, in words: permission, this browser's push service, Circles itself, or the network.
function whatWentWrong(error) {
  if (Notification.permission === "denied" || error?.name === "NotAllowedError") {
    return "Reminders are blocked for this site. You can allow them in the browser's settings.";
  }
  if (error?.name === "CirclesRefused") {
    return "Circles couldn't save this device. Reload the page and try again.";
  }
  if (error?.name === "AbortError" || error?.name === "InvalidStateError") {
    return "This browser's push service didn't answer. Try again later, or get reminders by email below.";
  }
  if (!navigator.onLine || error instanceof TypeError) {
    return "Circles can't be reached right now. Check your connection and try again.";
  }
  return "This browser couldn't turn reminders on. You can get them by email instead, below.";
}

export async function enablePushPanel() {
  if (!panel) return;
  const supported = "serviceWorker" in navigator && "PushManager" in window && "Notification" in window;
  const ios = /iphone|ipad|ipod/i.test(navigator.userAgent);
  const standalone = window.matchMedia("(display-mode: standalone)").matches;
  if (ios && !standalone) {
    // iPhone Safari has push only inside the installed app: say how, not "not supported".
    document.querySelector("[data-push-ios]").hidden = false;
    document.querySelector("[data-push-unsupported]").hidden = true;
  }
  if (!supported) return;
  document.querySelector("[data-push-unsupported]").hidden = true;
  const registration = await navigator.serviceWorker.ready;
  panel.hidden = false;
  const existing = await registration.pushManager.getSubscription();
  show(existing ? "Reminders are on for this device." : "Reminders are off on this device.", Boolean(existing));
  const guard = (action) => async () => {
    try {
      await action(registration);
    } catch (error) {
      show(whatWentWrong(error), false);
    }
  };
  panel.querySelector("[data-push-on]").addEventListener("click", guard(turnOn));
  panel.querySelector("[data-push-off]").addEventListener("click", guard(turnOff));
}
