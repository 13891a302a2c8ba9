/* The person form (families/person_form.html), without inline script (CSP):
   * the date of birth follows the CPR number as it is typed (the CPR rules' century from the
     7th digit; the server derives it again on save, families.cpr);
   * fields that belong to a parent or to a child only are shown for that role. */
(function () {
  "use strict";
  var form = document.querySelector("form[data-person-form]");
  if (!form) {
    return;
  }
  var cpr = form.querySelector("[name=cpr]");
  var birth = form.querySelector("[name=date_of_birth]");
  var role = form.querySelector("[name=role]");

  function century(year2, digit7) {
    if (digit7 <= 3) { return 1900; }
    if (digit7 === 4 || digit7 === 9) { return year2 <= 36 ? 2000 : 1900; }
    return year2 <= 57 ? 2000 : 1800;
  }

  function birthDate(text) {
    var digits = (text || "").replace(/[\s-]/g, "");
    if (!/^\d{7,10}$/.test(digits)) { return null; }
    var day = +digits.slice(0, 2), month = +digits.slice(2, 4), year2 = +digits.slice(4, 6);
    var year = century(year2, +digits[6]) + year2;
    var date = new Date(Date.UTC(year, month - 1, day));
    if (date.getUTCMonth() !== month - 1 || date.getUTCDate() !== day) { return null; }
    return date.toISOString().slice(0, 10);
  }

  if (cpr && birth) {
    cpr.addEventListener("input", function () {
      var iso = birthDate(cpr.value);
      if (iso) { birth.value = iso; }
    });
  }

  // <form data-only-parent="a b" data-only-child="c">: crispy wraps field x in #div_id_x.
  function showForRole() {
    var value = role ? role.value : "";
    ["parent", "child"].forEach(function (kind) {
      (form.getAttribute("data-only-" + kind) || "").split(" ").forEach(function (name) {
        var wrapper = name && document.getElementById("div_id_" + name);
        if (wrapper) { wrapper.hidden = value !== "" && value !== kind; }
      });
    });
  }
  if (role) {
    role.addEventListener("change", showForRole);
    showForRole();
  }
})();
