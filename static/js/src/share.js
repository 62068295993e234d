// Share an invite link with the phone's share sheet, or copy it where there is none.
export function enableShareButtons(root) {
  for (const button of root.querySelectorAll("button[data-share-url]")) {
    const url = button.dataset.shareUrl;
    const canShare = typeof navigator.share === "function";
    const canCopy = navigator.clipboard && typeof navigator.clipboard.writeText === "function";
    if (!canShare && !canCopy) continue;
    button.textContent = canShare ? "Share the link" : "Copy the link";
    button.hidden = false;
    button.addEventListener("click", async () => {
      try {
        if (canShare) {
          await navigator.share({ title: button.dataset.shareTitle || "Circles", url });
        } else {
          await navigator.clipboard.writeText(url);
          button.textContent = "Copied";
        }
      } catch {
        // The person closed the share sheet; nothing to do.
      }
    });
  }
}
