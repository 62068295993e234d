// Fill the time zone suggestions on first use, so pages don't carry 600 zone names each.
export function enableZoneSuggestions(root) {
  const list = root.querySelector("datalist[data-zones-src]");
  if (!list) return;
  let filled = false;
  const fill = async () => {
    if (filled) return;
    filled = true;
    try {
      const zones = await (await fetch(list.dataset.zonesSrc)).json();
      list.replaceChildren(...zones.map((zone) => Object.assign(document.createElement("option"), { value: zone })));
    } catch {
      filled = false; // try again on the next focus
    }
  };
  for (const input of root.querySelectorAll('input[list="zones"]')) {
    input.addEventListener("focus", fill, { once: false });
  }
}
