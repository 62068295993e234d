// Progressive enhancement only: every core action works without this file.
import { enableShareButtons } from "./share.js";
import { fillTimeZone } from "./timezone.js";

fillTimeZone(document);
enableShareButtons(document);

if ("serviceWorker" in navigator) {
  navigator.serviceWorker.register("/sw.js", { scope: "/" }).catch(() => {
    // Offline support is a bonus; the app works without it.
  });
}
