// Promise identities and resolve functions kept across capture; resolving a promise with itself.
var selfRes;
var self = new Promise(function (res) { selfRes = res; });
var log = [];
self.then(function () { log.push("self-resolved?"); }, function (e) { log.push("self:" + e.name); });
selfRes(self);   // TypeError rejection (chaining cycle)
var outer = Promise.resolve(Promise.resolve("inner"));
outer.then(function (v) { log.push("outer:" + v); });
var keep = [outer, self];
function probe() {
  try {
    return [log.join(","), String(keep[0] === outer), String(Promise.resolve(outer) === outer)].join("|");
  } catch (e) { return "threw " + e.name + ": " + e.message; }
}
