// Starts Redoc from an external script (CSP: no inline scripts). The page passes the schema URL,
// drf-spectacular's REDOC_UI_SETTINGS and the request's CSP nonce, which Redoc puts on the <style>
// elements it creates.
(function () {
  "use strict";
  var container = document.getElementById("redoc-container");
  var options = JSON.parse(container.dataset.settings || "{}");
  options.nonce = container.dataset.nonce;
  Redoc.init(container.dataset.specUrl, options, container);
})();
