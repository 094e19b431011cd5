// A subclass of Promise: then() returns the subclass; states recorded during setup.
var log = [];
class TaggedPromise extends Promise {
  constructor(executor) { super(executor); this.tag = "tp"; }
}
var resolved = TaggedPromise.resolve(5);
var chained = resolved.then(function (v) { log.push("then:" + v); return v * 2; });
chained.then(function (v) { log.push("chained:" + v); });
var pendingResolve;
var pending = new TaggedPromise(function (res) { pendingResolve = res; });
pending.then(function (v) { log.push("pending:" + v); });
function probe() {
  try {
    var r = [log.join(","), String(chained instanceof TaggedPromise), String(chained.tag), String(pending.tag),
      String(Object.getPrototypeOf(resolved) === TaggedPromise.prototype)];
    pendingResolve("late");
    r.push("resolved-call-ok");
    return r.join("|");
  } catch (e) { return "threw " + e.name + ": " + e.message; }
}
