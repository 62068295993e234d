// Progressive enhancement only: every core action works without this file.
import { enablePushPanel } from "./push.js";
import { enableShareButtons } from "./share.js";
import { fillTimeZone } from "./timezone.js";

fillTimeZone(document);
enableShareButtons(document);
enablePushPanel();

if ("serviceWorker" in navigator) {
  navigator.serviceWorker.register("/sw.js", { scope: "/" }).catch(() => {
    // Offline support is a bonus; the app works without it.
  });
}
