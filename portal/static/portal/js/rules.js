/* The rules area's small script: print buttons, the rule guide's stage list, and the wording
   guide's place field and copy buttons. Every page works without it. No inline script, no CDN. */
(function () {
  "use strict";

  function onReady(fn) {
    if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", fn);
    else fn();
  }

  /* 打印 */
  function setUpPrintButtons() {
    document.querySelectorAll("[data-print]").forEach(function (button) {
      button.hidden = false;
      button.addEventListener("click", function () { window.print(); });
    });
  }

  /* 交互式规则指引: the stage list follows the chosen kind of act (第十条). */
  function setUpRuleGuide() {
    var form = document.querySelector("[data-rule-guide]");
    var data = document.getElementById("guide-stage-options");
    if (!form || !data) return;
    var options = JSON.parse(data.textContent);
    var kind = form.querySelector("#guide-kind");
    var stage = form.querySelector("#guide-stage");
    var prompt = stage.options.length ? stage.options[0].textContent : "";

    function fillStages() {
      var chosen = stage.value;
      var stages = options[kind.value] || [];
      while (stage.options.length > 1) stage.remove(1);
      stages.forEach(function (pair) {
        var option = new Option(pair[1], pair[0]);
        if (pair[0] === chosen) option.selected = true;
        stage.add(option);
      });
      stage.options[0].textContent = prompt;
      stage.disabled = stages.length === 0;
    }
    kind.addEventListener("change", fillStages);
    fillStages();
  }

  /* 规范用语: fill {place} with what the officer typed; copy a phrase. */
  var PLACE_BLANK = "（地点）";
  var STORE_KEY = "portal.wording.place";

  function fillPlace(value) {
    document.querySelectorAll(".phrase__text[data-template]").forEach(function (node) {
      node.textContent = node.getAttribute("data-template").split("{place}").join(value || PLACE_BLANK);
    });
  }

  function showStatus(text) {
    var status = document.querySelector("[data-copy-status]");
    if (status) status.textContent = text;
  }

  function copyFallback(text) {
    var area = document.createElement("textarea");
    area.value = text;
    area.setAttribute("readonly", "");
    area.style.position = "fixed";
    area.style.opacity = "0";
    document.body.appendChild(area);
    area.select();
    var done = false;
    try { done = document.execCommand("copy"); } catch (error) { done = false; }
    document.body.removeChild(area);
    return done;
  }

  function copyText(text) {
    if (navigator.clipboard && window.isSecureContext) {
      return navigator.clipboard.writeText(text).then(
        function () { return true; },
        function () { return copyFallback(text); }
      );
    }
    return Promise.resolve(copyFallback(text));
  }

  function setUpWording() {
    var place = document.querySelector("[data-wording-place]");
    if (place) {
      try { place.value = window.sessionStorage.getItem(STORE_KEY) || ""; } catch (error) { /* private mode */ }
      fillPlace(place.value.trim());
      place.addEventListener("input", function () {
        var value = place.value.trim();
        fillPlace(value);
        try { window.sessionStorage.setItem(STORE_KEY, value); } catch (error) { /* private mode */ }
      });
    }
    document.querySelectorAll("[data-copy]").forEach(function (button) {
      button.addEventListener("click", function () {
        var target = document.getElementById(button.getAttribute("data-copy"));
        if (!target) return;
        var label = button.textContent;
        copyText(target.textContent).then(function (done) {
          button.textContent = done ? "已复制" : "请手动复制";
          button.setAttribute("data-copied", done ? "yes" : "no");
          showStatus(done ? "已复制：" + target.textContent : "浏览器不允许复制，请长按文字手动复制。");
          window.setTimeout(function () { button.textContent = label; }, 2000);
        });
      });
    });
  }

  onReady(function () {
    setUpPrintButtons();
    setUpRuleGuide();
    setUpWording();
  });
})();
