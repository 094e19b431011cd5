// A string iterator advanced past a surrogate pair, paused in the middle.
var it = "a😀b\uD800c"[Symbol.iterator]();
it.next(); it.next();
function probe() {
  try {
    var out = [];
    for (var r = it.next(); !r.done; r = it.next()) out.push(r.value.length + ":" + r.value.charCodeAt(0).toString(16));
    return [out.join(","), JSON.stringify(it.next()), Object.prototype.toString.call(it)].join("|");
  } catch (e) { return "threw " + e.name + ": " + e.message; }
}
