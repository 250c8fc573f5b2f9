/* Shell behaviour, kept out of the page (CSP script-src 'self', no inline scripts).
   Font size: the choice is stored in a cookie so the server renders the page at that size at once. */
(function () {
  "use strict";
  var COOKIE = "cunwu_font_size";
  var SIZES = ["normal", "large", "xlarge"];

  function applySize(size) {
    var root = document.documentElement;
    SIZES.forEach(function (s) { root.classList.remove("font-" + s); });
    root.classList.add("font-" + size);
    document.querySelectorAll("[data-font-size]").forEach(function (button) {
      button.setAttribute("aria-pressed", String(button.getAttribute("data-font-size") === size));
    });
  }

  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-font-size]");
    if (!button) { return; }
    var size = button.getAttribute("data-font-size");
    if (SIZES.indexOf(size) < 0) { return; }
    document.cookie = COOKIE + "=" + size + "; path=/; max-age=31536000; SameSite=Lax";
    applySize(size);
  });

  /* File upload of a policy pack: show the chosen file's text in the textarea so it can be checked. */
  document.addEventListener("change", function (event) {
    var input = event.target;
    if (!input.matches || !input.matches("[data-fill-target]") || !input.files.length) { return; }
    var target = document.getElementById(input.getAttribute("data-fill-target"));
    if (!target) { return; }
    input.files[0].text().then(function (text) { target.value = text; });
  });
}());
