// Progressive enhancement only: every core action works without this file.
import { openDetailsFromLinks } from "./details-links.js";
import { enableInstallOffer } from "./install.js";
import { sendAllEnds } from "./meetup-end.js";
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
if (!document.getElementById("run")) {
  // A meetup ended offline is saved from whatever page opens next (the screen sends its own).
  sendAllEnds();
  window.addEventListener("online", sendAllEnds);
}

if ("serviceWorker" in navigator) {
  navigator.serviceWorker.register("/sw.js", { scope: "/" }).catch(() => {
    // Offline support is a bonus; the app works without it.
  });
}
