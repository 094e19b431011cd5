// Generators in every state: not started, suspended, completed, and one closed by return().
function* three() { yield 1; yield 2; yield 3; }
var fresh = three();
var suspended = three(); suspended.next();
var completed = three(); for (var x of completed) {}
var returned = three(); returned.next(); returned.return("early");
var fromSpread = [...three()];
function probe() {
  try {
    return [JSON.stringify(fresh.next()), JSON.stringify(suspended.next()), JSON.stringify(completed.next()),
      JSON.stringify(returned.next()), fromSpread.join(","), Object.prototype.toString.call(fresh),
      String(Object.getPrototypeOf(fresh) === three.prototype), String(fresh[Symbol.iterator]() === fresh)].join("|");
  } catch (e) { return "threw " + e.name + ": " + e.message; }
}
