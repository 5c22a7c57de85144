(function () {
  // Which embed this is: embed.js names it in the fragment (never sent to us, so every
  // publisher shares one cached page); a query string works too.
  var id = new URLSearchParams(location.hash.slice(1)).get("id") ||
    new URLSearchParams(location.search).get("id");
  if (parent === window) return;
  // A killed story: tell the embedding page, whose embed.js takes the frame away.
  if (document.documentElement.hasAttribute("data-depeche-gone")) {
    parent.postMessage({ type: "depeche:gone", id: id }, "*");
    return;
  }
  var last = -1;
  function post() {
    var height = Math.ceil(document.documentElement.getBoundingClientRect().height);
    if (height === last) return;
    last = height;
    // "*": the embedding page may be any site, and a height tells it nothing secret.
    parent.postMessage({ type: "depeche:resize", height: height, id: id }, "*");
    parent.postMessage({ sentinel: "amp", type: "embed-size", height: height }, "*");
  }
  addEventListener("load", post);
  if (window.ResizeObserver) new ResizeObserver(post).observe(document.documentElement);
})();
