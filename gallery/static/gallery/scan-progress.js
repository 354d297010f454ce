// Refresh the progress of running scans on the admin's scan page.
"use strict";
(function () {
  const PERIOD = 1000; // ms between two polls

  function poll(box) {
    fetch(box.dataset.statusUrl, { headers: { Accept: "application/json" } })
      .then((response) => response.json())
      .then((status) => {
        if (!status.active) {
          window.location.reload(); // shows the outcome and the history
          return;
        }
        box.querySelector(".scan-line").textContent = status.text;
        const bar = box.querySelector("progress");
        if (status.total) {
          bar.max = status.total;
          bar.value = status.done;
        } else {
          bar.removeAttribute("value"); // indeterminate
        }
        setTimeout(() => poll(box), PERIOD);
      })
      .catch(() => setTimeout(() => poll(box), PERIOD * 5));
  }

  document.querySelectorAll(".scan-progress[data-status-url]").forEach((box) => {
    setTimeout(() => poll(box), PERIOD);
  });
})();
