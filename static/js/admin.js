/* igny8 admin enhancements; every page works without this script.
   - [data-copy-target]: a "Copy" button for the text of the element it names (shown only here).
   - select[data-filter]: a type-to-filter box over a long dropdown; the chosen option never hides.
   - input[data-select-all=FORM]: ticks every row box of the list's bulk form (shown only here);
     [data-selected-count=FORM] then says "n of m selected", and Go without a tick or an action
     says so there instead of reloading the page (which would drop the ticks). */
(function () {
  "use strict";

  function setUpCopy(button) {
    var target = document.getElementById(button.getAttribute("data-copy-target"));
    if (!target || !navigator.clipboard) { return; }
    button.hidden = false;
    button.addEventListener("click", function () {
      navigator.clipboard.writeText(target.textContent.trim()).then(function () {
        button.textContent = "Copied";
      }, function () {
        button.textContent = "Copy failed: select the key and copy it";
      });
    });
  }

  function setUpFilter(select) {
    var box = document.createElement("input");
    box.type = "search";
    box.className = "form-control form-control-sm mb-1 select-filter";
    box.placeholder = "Type to filter the choices";
    box.setAttribute("aria-label", "Type to filter the list below");
    box.setAttribute("aria-controls", select.id);
    select.parentNode.insertBefore(box, select);
    box.addEventListener("input", function () {
      var words = box.value.toLowerCase().split(/\s+/).filter(Boolean);
      Array.prototype.forEach.call(select.options, function (option) {
        var text = option.textContent.toLowerCase();
        var match = words.every(function (word) { return text.indexOf(word) !== -1; });
        option.hidden = !(match || option.selected || option.value === "__None");
      });
    });
  }

  function setUpSelectAll(all) {
    var formId = all.getAttribute("data-select-all");
    var boxes = document.querySelectorAll(
      'input[type=checkbox][form="' + formId + '"]:not([data-select-all])');
    var count = document.querySelector('[data-selected-count="' + formId + '"]');
    if (!boxes.length) { return; }
    all.hidden = false;
    function update() {
      var ticked = Array.prototype.filter.call(boxes, function (box) { return box.checked; });
      all.checked = ticked.length === boxes.length;
      all.indeterminate = ticked.length > 0 && ticked.length < boxes.length;
      if (count) {
        count.textContent = ticked.length + " of " + boxes.length + " selected" +
          (ticked.length ? "" : ": tick the rows first");
      }
    }
    all.addEventListener("change", function () {
      boxes.forEach(function (box) { box.checked = all.checked; });
      update();
    });
    boxes.forEach(function (box) { box.addEventListener("change", update); });
    update();  // boxes the browser kept ticked (back button) count too
    keepTicksOnEmptyGo(document.getElementById(formId), boxes, count);
  }

  function keepTicksOnEmptyGo(form, boxes, count) {
    if (!form || !count) { return; }
    var action = document.querySelector('select[name=action][form="' + form.id + '"]');
    if (!action) { return; }
    form.addEventListener("submit", function (event) {
      if (event.submitter && event.submitter.hasAttribute("formaction")) { return; }  // a row button
      var ticked = Array.prototype.some.call(boxes, function (box) { return box.checked; });
      var problem = !ticked ? "Tick at least one row first."
        : (!action.value ? "Choose an action first." : "");
      if (problem) {
        event.preventDefault();
        count.textContent = problem;
      }
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("[data-copy-target]").forEach(setUpCopy);
    document.querySelectorAll("select[data-filter]").forEach(setUpFilter);
    document.querySelectorAll("input[data-select-all]").forEach(setUpSelectAll);
  });
}());
