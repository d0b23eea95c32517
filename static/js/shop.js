// Small progressive enhancements; every page works without this file.
(function () {
  // A product photo that fails to load (host down, link gone) shows the pet drawing.
  function useFallback(img) {
    if (img.dataset.fallback && img.src.indexOf(img.dataset.fallback) === -1) {
      img.src = img.dataset.fallback;
      img.classList.add("placeholder");
    }
  }
  document.addEventListener("error", function (event) {
    if (event.target.tagName === "IMG") { useFallback(event.target); }
  }, true);

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("img[data-fallback]").forEach(function (img) {
      if (img.complete && img.naturalWidth === 0) { useFallback(img); }
    });
    document.querySelectorAll(".js-print").forEach(function (button) {
      button.hidden = false;
      button.addEventListener("click", function () { window.print(); });
    });
  });
})();
