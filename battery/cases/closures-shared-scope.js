// Two closures sharing one scope: a write through one is seen through the other after restore.
var pair = (function () {
  var shared = { n: 0 }, plain = "init";
  return {
    set: function (v) { plain = v; shared.n++; },
    get: function () { return plain + ":" + shared.n; }
  };
})();
pair.set("setup");
function probe() {
  try {
    var before = pair.get();
    pair.set("probe");
    return [before, pair.get()].join("|");
  } catch (e) { return "threw " + e.name + ": " + e.message; }
}
