// Search suggestions (API.md C16) under the header search box: a progressive
// enhancement. Without this file the box is a plain GET form and works the same.
// No inline script or style anywhere (the storefront's CSP forbids both).
(function () {
  "use strict";
  var MIN_LENGTH = 2;
  var DELAY_MS = 150;

  function setUp(input) {
    var suggestUrl = input.dataset.suggestUrl;
    var productUrl = input.dataset.productUrl; // ".../0/slug/": id and slug replaced
    var list = document.createElement("ul");
    var timer = null;
    var latest = "";

    list.id = input.id + "-suggestions";
    list.className = "suggestions";
    list.setAttribute("aria-label", "Suggestions");
    list.hidden = true;
    input.setAttribute("autocomplete", "off");
    input.setAttribute("aria-controls", list.id);
    input.setAttribute("aria-autocomplete", "list");
    input.setAttribute("aria-expanded", "false");
    input.parentNode.appendChild(list);

    function close() {
      list.hidden = true;
      input.setAttribute("aria-expanded", "false");
    }

    function linkFor(item) {
      return productUrl.replace("/0/", "/" + encodeURIComponent(item.id) + "/")
        .replace("/slug/", "/" + encodeURIComponent(item.slug) + "/");
    }

    function show(items) {
      list.replaceChildren();
      items.forEach(function (item) {
        var li = document.createElement("li");
        var a = document.createElement("a");
        a.href = linkFor(item);
        a.textContent = item.name; // text, never HTML
        li.appendChild(a);
        list.appendChild(li);
      });
      list.hidden = items.length === 0;
      input.setAttribute("aria-expanded", items.length ? "true" : "false");
    }

    function fetchSuggestions() {
      var term = input.value.trim();
      latest = term;
      if (term.length < MIN_LENGTH) { close(); return; }
      fetch(suggestUrl + "?q=" + encodeURIComponent(term), { headers: { Accept: "application/json" } })
        .then(function (response) { return response.ok ? response.json() : []; })
        .then(function (items) { if (term === latest) { show(items); } })
        .catch(close); // offline or slow: the plain search still works
    }

    input.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(fetchSuggestions, DELAY_MS);
    });
    input.addEventListener("keydown", function (event) {
      if (event.key === "ArrowDown" && !list.hidden && list.firstChild) {
        event.preventDefault();
        list.firstChild.firstChild.focus();
      } else if (event.key === "Escape") {
        close();
      }
    });
    list.addEventListener("keydown", function (event) {
      var item = event.target.parentNode;
      if (event.key === "ArrowDown" && item.nextSibling) {
        event.preventDefault();
        item.nextSibling.firstChild.focus();
      } else if (event.key === "ArrowUp") {
        event.preventDefault();
        if (item.previousSibling) { item.previousSibling.firstChild.focus(); } else { input.focus(); }
      } else if (event.key === "Escape") {
        close();
        input.focus();
      }
    });
    document.addEventListener("click", function (event) {
      if (!input.parentNode.contains(event.target)) { close(); }
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("input[data-suggest-url]").forEach(setUp);
  });
})();
