// Promise.all / race / allSettled over a mix of settled and pending inputs.
var log = [];
var resolvers = [];
function pending() { return new Promise(function (res) { resolvers.push(res); }); }
var all = Promise.all([1, Promise.resolve(2), pending()]);
all.then(function (v) { log.push("all:" + v.join(",")); });
var race = Promise.race([pending(), Promise.resolve("fast")]);
race.then(function (v) { log.push("race:" + v); });
var settled = Promise.allSettled ? Promise.allSettled([Promise.reject("r"), 3]) : null;
if (settled) settled.then(function (v) { log.push("settled:" + v.map(function (x) { return x.status; }).join("/")); });
function probe() {
  try {
    var before = log.join(",");
    resolvers.forEach(function (res, i) { res("late" + i); });
    return [before, String(resolvers.length), "resolved-call-ok"].join("|");
  } catch (e) { return "threw " + e.name + ": " + e.message; }
}
