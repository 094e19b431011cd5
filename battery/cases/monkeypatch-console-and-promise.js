// console.log, Promise and Error replaced on the global object (host glue must not care).
var G = (function () { return this; })();
var RealPromise = Promise, RealError = Error;
var logged = [];
console.log = function () { logged.push(Array.prototype.join.call(arguments, " ")); };
G.Promise = function FakePromise() { throw new RealError("no promises"); };
G.Error = function FakeError(m) { this.message = "fake:" + m; };
console.log("from", "setup");
function probe() {
  try {
    var r = [logged.join(";"), typeof Promise.resolve, String(Promise === RealPromise), new Error("x").message];
    try { new Promise(function () {}); r.push("constructed"); } catch (e) { r.push(e.message); }
    r.push(String(RealPromise.resolve(1) instanceof RealPromise));
    return r.join("|");
  } catch (e) { return "threw " + e.name + ": " + e.message; }
}
