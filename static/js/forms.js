// What forms do in the browser.
(function () {
  "use strict";

  // A file picker names the chosen files in the page's language.
  document.querySelectorAll(".file-pick input[type=file]").forEach(function (input) {
    var names = input.closest(".file-pick").querySelector("[data-file-names]");
    var none = names.textContent;
    input.addEventListener("change", function () {
      var chosen = Array.prototype.map.call(input.files, function (f) { return f.name; });
      names.textContent = chosen.join("、") || none;
    });
  });

  // What is typed into a form marked data-draft is kept in this browser until the server has
  // saved it: a session that expired, a closed tab or a crash does not lose it. The page the
  // server answers a save with names the draft to forget (data-forget-draft).
  var PREFIX = "draft:";

  document.querySelectorAll("[data-forget-draft]").forEach(function (el) {
    localStorage.removeItem(PREFIX + el.dataset.forgetDraft);
  });

  var form = document.querySelector("form[data-draft]");
  if (!form) return;
  var key = PREFIX + form.dataset.draft;
  var notice = form.querySelector("[data-draft-notice]");

  function fields() {
    return Array.prototype.filter.call(form.elements, function (f) {
      return f.name && ["hidden", "file", "submit", "button"].indexOf(f.type) < 0;
    });
  }
  function read() {
    var values = {};
    fields().forEach(function (f) { values[f.name] = f.type === "checkbox" ? f.checked : f.value; });
    return values;
  }
  function write(values) {
    fields().forEach(function (f) {
      if (!(f.name in values)) return;
      if (f.type === "checkbox") f.checked = values[f.name]; else f.value = values[f.name];
    });
  }
  function same(a, b) { return JSON.stringify(a) === JSON.stringify(b); }
  function nothingTyped() {
    return Array.prototype.every.call(form.querySelectorAll("textarea"), function (t) {
      return t.value.trim() === "";
    });
  }
  function save() {
    localStorage.setItem(key, JSON.stringify({ values: read(), saved: Date.now() }));
  }

  var stored = null;
  try { stored = JSON.parse(localStorage.getItem(key)); } catch (e) { stored = null; }
  if (stored && stored.values && !same(stored.values, read())) {
    var time = new Date(stored.saved);
    notice.querySelector("[data-draft-time]").textContent =
      time.toLocaleDateString("zh-CN") + " " + time.toTimeString().slice(0, 5);
    var offered = read();
    if (nothingTyped()) {
      write(stored.values);
      notice.querySelector("[data-draft-restored]").hidden = false;
      notice.querySelector("[data-draft-restore]").hidden = true;
    } else {
      notice.querySelector("[data-draft-offered]").hidden = false;
    }
    notice.hidden = false;
    notice.querySelector("[data-draft-restore]").addEventListener("click", function () {
      write(stored.values);
      notice.hidden = true;
    });
    notice.querySelector("[data-draft-discard]").addEventListener("click", function () {
      write(offered);
      localStorage.removeItem(key);
      notice.hidden = true;
    });
  }
  form.addEventListener("input", save);
  form.addEventListener("change", save);
})();
