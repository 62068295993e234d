// Offer to install Circles to the home screen, only when the browser says it can.
export function enableInstallOffer(root) {
  const button = root.querySelector("[data-install]");
  if (!button) return;
  let deferred = null;
  window.addEventListener("beforeinstallprompt", (event) => {
    event.preventDefault();
    deferred = event;
    button.hidden = false;
  });
  button.addEventListener("click", async () => {
    if (!deferred) return;
    deferred.prompt();
    await deferred.userChoice;
    deferred = null;
    button.hidden = true;
  });
}
