// A background import's page: reads the job's status every second and moves the progress
// bar, then reloads the page once the job has ended. Without JavaScript the page refreshes
// itself instead (see import_job.html).
(function () {
  var job = document.getElementById("import-job");
  if (!job || !window.fetch) {
    return;
  }
  var finished = ["done", "failed", "cancelled"];
  if (finished.indexOf(job.getAttribute("data-stage")) !== -1) {
    return;
  }
  var url = job.getAttribute("data-status-url");
  var bar = document.getElementById("import-job-progress");
  var words = document.getElementById("import-job-words");
  var percent = document.getElementById("import-job-percent");
  function poll() {
    fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) {
        if (!response.ok) {
          throw new Error("status " + response.status);
        }
        return response.json();
      })
      .then(function (status) {
        if (finished.indexOf(status.stage) !== -1) {
          window.location.reload();
          return;
        }
        var done = Math.floor(status.fraction * 100);
        if (bar) {
          bar.value = done;
          bar.textContent = done + "%";
        }
        if (words) {
          words.textContent = status.words;
        }
        if (percent) {
          percent.textContent = done + "% done";
        }
        window.setTimeout(poll, 1000);
      })
      .catch(function () {
        // The server may be busy: try again a little later.
        window.setTimeout(poll, 3000);
      });
  }
  window.setTimeout(poll, 1000);
})();
