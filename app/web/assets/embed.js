/* dépêche embeds. Paste where the box goes:
   <div data-depeche-embed="facts" data-article="SLUG" data-lang="fr"></div>
   ("card" instead of "facts" for a headline card), then this script, once per page. */
(function () {
  "use strict";
  var script = document.currentScript;
  if (!script) return;
  var origin = new URL(script.src).origin;
  var frames = Object.create(null);
  var count = 0;

  function mount(box) {
    var kind = box.getAttribute("data-depeche-embed");
    var slug = box.getAttribute("data-article") || "";
    var lang = box.getAttribute("data-lang") || "en";
    if (box.querySelector("iframe") || !/^(facts|card)$/.test(kind) ||
        !/^[\w-]+$/.test(slug) || !/^[a-z]{2,3}$/.test(lang)) return;
    var id = "depeche-" + ++count + "-" + Math.random().toString(36).slice(2, 8);
    var frame = document.createElement("iframe");
    // allow-scripts: the page measures itself and posts its height here.
    // allow-popups: its links open the full article in a new tab;
    // allow-popups-to-escape-sandbox: ...as an ordinary page, not a sandboxed one.
    // No allow-same-origin: the page needs no cookies, storage or same-origin requests, and
    // with allow-scripts it would keep our origin's powers if its content ever went wrong.
    // So its origin is opaque ("null"), which is why messages are matched by window below.
    frame.setAttribute("sandbox", "allow-scripts allow-popups allow-popups-to-escape-sandbox");
    frame.src = origin + "/" + lang + "/embed/articles/" + slug +
      (kind === "facts" ? "/facts" : "") + "#id=" + id;
    frame.title = box.getAttribute("data-title") || "d\u00e9p\u00eache";
    frame.loading = "lazy";
    frame.style.cssText = "display:block;width:100%;max-width:800px;border:0;height:" +
      (kind === "facts" ? 600 : 220) + "px";
    box.appendChild(frame);
    frames[id] = frame;
  }

  addEventListener("message", function (event) {
    var data = event.data;
    var frame = data && typeof data.id === "string" && frames[data.id];
    // "null" is every sandboxed frame's origin, so it proves nothing: the sender must be the
    // very window of the frame made for that id. Our origin is also let through, for
    // browsers without sandboxing. Each embed only ever changes its own frame.
    if (!frame || event.source !== frame.contentWindow ||
        (event.origin !== "null" && event.origin !== origin)) return;
    if (data.type === "depeche:gone") { // killed: hidden (kept: a rescan won't remount it)
      frame.style.display = "none";
      return frame.parentNode.setAttribute("data-depeche-state", "gone");
    }
    if (data.type !== "depeche:resize") return;
    var height = Math.ceil(Number(data.height));
    if (height > 0 && height < 20000) frame.style.height = height + "px";
  });

  function scan() {
    var boxes = document.querySelectorAll("div[data-depeche-embed]");
    for (var i = 0; i < boxes.length; i++) mount(boxes[i]);
  }
  scan();
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", scan);
})();
