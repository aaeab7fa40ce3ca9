// reportgen serve: progressive enhancement of plain HTML forms (the page works without this file).
// - drag and drop a file onto the drop zone;
// - forms are sent with fetch: the result is swapped in without reloading (the chosen file stays
//   chosen, so the download buttons send it again), and a report comes back as a file download.
"use strict";

(function () {
  var result = document.getElementById("result");
  var drop = document.getElementById("drop");
  var fileInput = document.getElementById("file");
  var chosen = document.getElementById("chosen");

  function showChosen() {
    if (!chosen || !fileInput) return;
    var name = fileInput.files && fileInput.files.length ? fileInput.files[0].name : "";
    chosen.textContent = name ? drop.getAttribute("data-chosen").replace("{name}", name) : "";
  }

  if (drop && fileInput) {
    fileInput.addEventListener("change", showChosen);
    ["dragenter", "dragover"].forEach(function (type) {
      drop.addEventListener(type, function (event) {
        event.preventDefault();
        drop.classList.add("over");
      });
    });
    drop.addEventListener("dragleave", function () { drop.classList.remove("over"); });
    drop.addEventListener("drop", function (event) {
      event.preventDefault();
      drop.classList.remove("over");
      if (event.dataTransfer && event.dataTransfer.files.length) {
        fileInput.files = event.dataTransfer.files;
        showChosen();
      }
    });
  }

  function fileName(response) {
    var header = response.headers.get("content-disposition") || "";
    var match = /filename="([^"]+)"/.exec(header);
    return match ? match[1] : "download";
  }

  function save(blob, name) {
    var url = URL.createObjectURL(blob);
    var link = document.createElement("a");
    link.href = url;
    link.download = name;
    document.body.appendChild(link);
    link.click();
    link.remove();
    setTimeout(function () { URL.revokeObjectURL(url); }, 10000);
  }

  function swapResult(html) {
    var doc = new DOMParser().parseFromString(html, "text/html");
    var fresh = doc.getElementById("result");
    if (!fresh || !result) return;
    result.innerHTML = fresh.innerHTML;
    result.focus();
  }

  function busy(form, on) {
    if (result) result.setAttribute("aria-busy", on ? "true" : "false");
    var buttons = document.querySelectorAll("button");
    for (var i = 0; i < buttons.length; i++) buttons[i].disabled = on;
  }

  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.classList || !form.classList.contains("js-fetch") || !window.fetch || !window.FormData) return;
    event.preventDefault();
    var submitter = event.submitter;
    var data = new FormData(form, submitter || undefined);
    if (submitter && submitter.name && !data.has(submitter.name)) data.append(submitter.name, submitter.value);
    busy(form, true);
    fetch(form.getAttribute("action"), { method: "POST", body: data, credentials: "same-origin" })
      .then(function (response) {
        var disposition = response.headers.get("content-disposition") || "";
        if (response.ok && disposition.indexOf("attachment") === 0) {
          return response.blob().then(function (blob) { save(blob, fileName(response)); });
        }
        return response.text().then(swapResult);
      })
      .catch(function (error) {
        if (result) {
          result.textContent = String(error);
          result.focus();
        }
      })
      .then(function () { busy(form, false); });
  });
})();
