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

if ("serviceWorker" in navigator) {
  navigator.serviceWorker.register("/sw.js", { scope: "/" }).catch(() => {
    // Offline support is a bonus; the app works without it.
  });
}
