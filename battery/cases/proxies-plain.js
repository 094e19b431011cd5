// A proxy with an empty handler behaves like its target and keeps its identity.
var target = { a: 1, nested: { b: 2 } };
var p = new Proxy(target, {});
var alias = p;
p.c = 3;
var arrP = new Proxy([1, 2, 3], {});
function probe() {
  try {
    return [String(p.a), String(p.c), String(target.c), Object.keys(p).join(","), String(alias === p),
      String(p === target), typeof p, JSON.stringify(p), String(Array.isArray(arrP)), String(arrP.length),
      String(p.nested === target.nested)].join("|");
  } catch (e) { return "threw " + e.name + ": " + e.message; }
}
