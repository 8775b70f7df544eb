// Small progressive enhancements; every page works without this file.
(function () {
  "use strict";
  // Confirm dangerous actions: <button data-confirm="Text">.
  document.addEventListener("click", function (event) {
    var target = event.target.closest("[data-confirm]");
    if (target && !window.confirm(target.getAttribute("data-confirm"))) {
      event.preventDefault();
    }
  });
})();
