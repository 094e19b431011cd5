// Resolving with thenables: the then method is called in a microtask, once.
var log = [];
var thenable = { then: function (res, rej) { log.push("then-called"); res("from-thenable"); } };
var p = Promise.resolve(thenable);
p.then(function (v) { log.push("p:" + v); });
var lazy = { then: function (res) { log.push("lazy-called"); this.res = res; } };   // never resolves in setup
var q = new Promise(function (res) { res(lazy); });
q.then(function (v) { log.push("q:" + v); });
function probe() {
  try {
    var before = log.join(",");
    var had = typeof lazy.res;
    if (typeof lazy.res === "function") lazy.res("late");
    return [before, had, "resolved-call-ok"].join("|");
  } catch (e) { return "threw " + e.name + ": " + e.message; }
}
