// Category links open the folded section they point to.
export function openDetailsFromLinks(root) {
  for (const link of root.querySelectorAll("a[data-open-details]")) {
    link.addEventListener("click", () => {
      const target = document.getElementById(link.getAttribute("href").slice(1));
      if (target && target.tagName === "DETAILS") target.open = true;
    });
  }
}
