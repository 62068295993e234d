// "Try again" on the offline page: reload the page the person wanted, not the home page.
export function enableRetry(root) {
  for (const link of root.querySelectorAll("a[data-retry]")) {
    if (window.location.pathname !== "/offline") link.href = window.location.href;
  }
}
