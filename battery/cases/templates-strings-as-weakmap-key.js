// A memoizing tag keyed by the strings array (the lit-html pattern): setup fills the cache,
// the probe must hit it through the same site.
var cache = new WeakMap();
var compiles = 0;
function html(strings) {
  var c = cache.get(strings);
  if (!c) { compiles++; c = { id: compiles, text: strings.join("{}") }; cache.set(strings, c); }
  return c;
}
function render(v) { return html`<p>${v}</p>`; }
var a = render(1);
render(2);
function probe() {
  try {
    var b = render(3);
    return [String(a === b), String(b.id), String(compiles), b.text].join("|");
  } catch (e) { return "threw " + e.name + ": " + e.message; }
}
