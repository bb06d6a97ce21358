/* The visits index's filters (theme/packet/index.html): show the rows whose data-month,
 * data-tier, data-country and data-owner match the selects, count them in the headings and
 * the status line, and say so when a table has none. No network, no framework: it works
 * from file:// as well. Without it the form stays hidden and every visit shows. */
(function () {
  "use strict";

  function setUp() {
    var form = document.querySelector("form.visits-filter");
    if (!form || form.getAttribute("data-ready")) return;
    form.setAttribute("data-ready", "");
    var selects = Array.prototype.slice.call(form.querySelectorAll("select[name]"));
    var lists = Array.prototype.slice.call(document.querySelectorAll(".visits-list"));
    var status = form.querySelector(".visits-filter__status");

    function matches(row) {
      return selects.every(function (select) {
        var value = row.getAttribute("data-" + select.name) || "";
        // data-month lists every month a visit touches; the others hold one value
        return !select.value || (select.name === "month"
          ? value.split(" ").indexOf(select.value) >= 0 : value === select.value);
      });
    }

    function apply() {
      var shown = 0, total = 0;
      lists.forEach(function (list) {
        var rows = list.querySelectorAll("tbody tr"), count = 0;
        Array.prototype.forEach.call(rows, function (row) {
          var match = matches(row);
          row.hidden = !match;
          if (match) count += 1;
        });
        var heading = list.querySelector("h2"), none = list.querySelector(".visits-none");
        if (heading && heading.firstChild && heading.firstChild.nodeType === 3) {
          heading.firstChild.nodeValue = list.getAttribute("data-heading").replace("{n}", count);
        }
        if (none) none.hidden = count > 0;
        list.classList.toggle("visits-list--empty", rows.length > 0 && count === 0);
        shown += count;
        total += rows.length;
      });
      var filtered = selects.some(function (select) { return select.value; });
      status.textContent = filtered ? form.getAttribute("data-status")
        .replace("{shown}", shown).replace("{total}", total) : "";
    }

    form.addEventListener("change", apply);
    form.addEventListener("reset", function () { setTimeout(apply, 0); });
    form.addEventListener("submit", function (event) { event.preventDefault(); });
    form.hidden = false;
    apply();  // the browser may have kept the selects' values (back, reload)
  }

  // Material's instant navigation is off (mkdocs.base.yml): each page is a full load.
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", setUp);
  } else {
    setUp();
  }
})();
