(function () {
  "use strict";
  var items = Array.prototype.slice.call(document.querySelectorAll("article.item"));
  var task = document.getElementById("f-task"), scene = document.getElementById("f-scene");
  var answer = document.getElementById("f-answer"), text = document.getElementById("f-text");
  var problems = document.getElementById("f-problems");
  var wrong = document.getElementById("f-wrong");  // only with predictions
  var shown = document.getElementById("shown");
  var current = -1;

  function setSelect(sel, value) {
    for (var i = 0; i < sel.options.length; i++) {
      if (sel.options[i].value === value) { sel.selectedIndex = i; return; }
    }
    // a value from the URL that no item has: keep it (and so show nothing), visibly
    var opt = document.createElement("option");
    opt.value = value;
    opt.textContent = value + " (no items)";
    sel.appendChild(opt);
    sel.selectedIndex = sel.options.length - 1;
  }
  function readHash() {
    var params = new URLSearchParams(location.hash.replace(/^#/, ""));
    setSelect(task, params.get("task") || "");
    setSelect(scene, params.get("scene") || "");
    answer.value = params.get("answer") || "";
    text.value = params.get("q") || "";
    problems.checked = params.get("problems") === "1";
    if (wrong) wrong.checked = params.get("wrong") === "1";
    return params.get("item");
  }
  function writeHash() {
    var params = new URLSearchParams();
    if (task.value) params.set("task", task.value);
    if (scene.value) params.set("scene", scene.value);
    if (answer.value.trim()) params.set("answer", answer.value.trim());
    if (text.value.trim()) params.set("q", text.value.trim());
    if (problems.checked) params.set("problems", "1");
    if (wrong && wrong.checked) params.set("wrong", "1");
    if (current >= 0) params.set("item", String(current));
    var hash = params.toString();
    history.replaceState(null, "", hash ? "#" + hash : location.pathname + location.search);
  }
  function apply() {
    var a = answer.value.trim().toLowerCase(), q = text.value.trim().toLowerCase();
    var visible = 0;
    items.forEach(function (el) {
      var ok = (!task.value || el.dataset.task === task.value) &&
               (!scene.value || el.dataset.scene === scene.value) &&
               (!a || el.dataset.answer === a) &&
               (!q || el.dataset.search.indexOf(q) >= 0) &&
               (!problems.checked || el.dataset.problem === "1") &&
               (!wrong || !wrong.checked || el.dataset.wrong === "1");
      if (ok) { el.removeAttribute("hidden"); visible++; }
      else { el.setAttribute("hidden", ""); }
    });
    shown.textContent = visible + " of " + items.length + " shown";
    document.body.dataset.visible = String(visible);
    if (current >= 0 && items[current].hasAttribute("hidden")) select(-1);
  }
  function select(i, scroll) {
    if (current >= 0) items[current].classList.remove("current");
    current = i;
    if (i < 0) return;
    items[i].classList.add("current");
    writeHash();
    if (scroll !== false) {
      items[i].scrollIntoView({block: "start"});
      items[i].focus({preventScroll: true});
    }
  }
  function move(step) {
    var i = current;
    for (;;) {
      i += step;
      if (i < 0 || i >= items.length) return;
      if (!items[i].hasAttribute("hidden")) { select(i); return; }
    }
  }
  function onChange() { apply(); writeHash(); }
  document.querySelectorAll(".picture img").forEach(function (img) {
    img.addEventListener("click", function () {
      img.closest("article.item").classList.toggle("wide");
    });
  });
  document.querySelectorAll("a.anchor").forEach(function (a) {
    a.addEventListener("click", function (ev) {
      ev.preventDefault();
      select(items.indexOf(a.closest("article.item")));
    });
  });
  [task, scene, problems, wrong].forEach(function (el) {
    if (el) el.addEventListener("change", onChange);
  });
  [answer, text].forEach(function (el) { el.addEventListener("input", onChange); });
  window.addEventListener("hashchange", function () {
    var at = readHash();
    apply();
    if (at !== null && items[+at]) select(+at);
  });
  document.addEventListener("keydown", function (ev) {
    var t = ev.target, typing = t && (t.tagName === "INPUT" || t.tagName === "SELECT" ||
                                      t.tagName === "TEXTAREA");
    if (ev.key === "Escape" && typing) { t.blur(); return; }
    if (typing || ev.ctrlKey || ev.metaKey || ev.altKey) return;
    if (ev.key === "j" || ev.key === "ArrowDown") { move(1); ev.preventDefault(); }
    else if (ev.key === "k" || ev.key === "ArrowUp") { move(-1); ev.preventDefault(); }
    else if (ev.key === "/") { text.focus(); text.select(); ev.preventDefault(); }
  });
  var start = readHash();
  apply();
  if (start !== null && items[+start]) select(+start);
})();
