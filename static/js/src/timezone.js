// Pre-fill time zone fields marked data-detect-zone with this device's IANA zone.
export function fillTimeZone(root) {
  const zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
  if (!zone) return;
  for (const input of root.querySelectorAll("input[data-detect-zone]")) {
    if (!input.value || input.value === "UTC") input.value = zone;
  }
}
