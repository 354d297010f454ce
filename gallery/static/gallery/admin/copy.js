// Copy buttons of share links: put the absolute URL on the clipboard.
"use strict";
document.addEventListener("click", async (event) => {
  const button = event.target.closest("button.gallery-copy");
  if (!button) return;
  const url = new URL(button.dataset.copy, window.location.href).href;
  const label = button.textContent;
  try {
    await navigator.clipboard.writeText(url);
    button.textContent = "✓";
  } catch (error) {
    window.prompt("", url);
  }
  setTimeout(() => { button.textContent = label; }, 1500);
});
