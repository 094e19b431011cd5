// Regexps with extra own properties, a frozen regexp, and regexp identity in a collection.
var re = /k(ey)?/gi;
re.meta = "custom";
var frozen = Object.freeze(/f/g);
var set = new Set([re]);
var fromCtor = new RegExp(re, "m");
function probe() {
  try {
    var r = [re.meta, Reflect.ownKeys(re).join(","), String(set.has(re)), fromCtor.flags, fromCtor.source,
      String(fromCtor === re), String(Object.isFrozen(frozen))];
    try { frozen.exec("ff"); r.push("no-throw"); } catch (e) { r.push(e.name); }   // lastIndex write fails
    r.push(String(re), Object.prototype.toString.call(re));
    return r.join("|");
  } catch (e) { return "threw " + e.name + ": " + e.message; }
}
