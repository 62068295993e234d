"""The page's cumulative layout shift, summed in the browser as Lighthouse's CLS does."""

from __future__ import annotations

# An init script: it runs before the page's first byte (injected by the browser, so the CSP does
# not apply) and sums the Layout Instability API's entries, leaving out shifts after input.
# Read the total back with `page.evaluate("window.__layoutShift")`.
LAYOUT_SHIFT_OBSERVER = """
window.__layoutShift = 0;
new PerformanceObserver((list) => {
  for (const entry of list.getEntries()) {
    if (!entry.hadRecentInput) window.__layoutShift += entry.value;
  }
}).observe({ type: "layout-shift", buffered: true });
"""
