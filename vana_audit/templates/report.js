/* Filters for the findings; without JavaScript every finding stays visible. */
(function () {
  "use strict";
  document.documentElement.className += " js";
  var category = document.getElementById("filter-category");
  var failingOnly = document.getElementById("filter-failing");
  var count = document.getElementById("filter-count");
  var priorities = Array.prototype.slice.call(document.querySelectorAll("#finding-filters input[name=priority]"));
  var findings = Array.prototype.slice.call(document.querySelectorAll("#findings .finding"));
  var groups = Array.prototype.slice.call(document.querySelectorAll("#findings .finding-group"));
  if (!category) { return; }

  function apply() {
    var wanted = {};
    priorities.forEach(function (box) { wanted[box.value] = box.checked; });
    var shown = 0, failing = 0;
    findings.forEach(function (el) {
      var visible = (category.value === "all" || el.getAttribute("data-category") === category.value) &&
        wanted[el.getAttribute("data-priority")] === true &&
        (!failingOnly || !failingOnly.checked || el.getAttribute("data-failing") === "true");
      el.hidden = !visible;
      if (visible) { shown += 1; if (el.getAttribute("data-failing") === "true") { failing += 1; } }
    });
    groups.forEach(function (group) {
      group.hidden = category.value !== "all" && group.getAttribute("data-category") !== category.value;
    });
    count.textContent = shown + " rules shown, " + failing + " failing";
  }

  category.addEventListener("change", apply);
  if (failingOnly) { failingOnly.addEventListener("change", apply); }
  priorities.forEach(function (box) { box.addEventListener("change", apply); });
  window.addEventListener("beforeprint", function () {
    Array.prototype.forEach.call(document.querySelectorAll("details"), function (d) { d.open = true; });
  });
  apply();
}());
