// Progressive enhancement only: every core action works without this file.
import { openDetailsFromLinks } from "./details-links.js";
import { enableInstallOffer } from "./install.js";
import { enableOfflineLog, sendPending } from "./offline-log.js";
import { enableRetry } from "./retry.js";
import { enablePushPanel } from "./push.js";
import { enableShareButtons } from "./share.js";
import { enableZoneSuggestions } from "./zones.js";
import { fillTimeZone } from "./timezone.js";

fillTimeZone(document);
enableShareButtons(document);
enablePushPanel();
enableOfflineLog(document);
enableInstallOffer(document);
sendPending(document);
enableRetry(document);
openDetailsFromLinks(document);
enableZoneSuggestions(document);
// A meetup ended offline is saved from whatever page opens next (its own screen sends it there).
// The sender is fetched only when an end is waiting, so it costs other pages nothing.
async function sendKeptEnds() {
  let waiting = false;
  try {
    waiting = Object.keys(localStorage).some((key) => key.startsWith("run:") && key.endsWith(":end"));
  } catch {
    return;
  }
  if (!waiting) return;
  const { sendAllEnds } = await import("./pages/meetup-end.js");
  await sendAllEnds();
}
if (!document.getElementById("run")) {
  sendKeptEnds();
  window.addEventListener("online", sendKeptEnds);
}

if ("serviceWorker" in navigator) {
  navigator.serviceWorker.register("/sw.js", { scope: "/" }).catch(() => {
    // Offline support is a bonus; the app works without it.
  });
}
