// Functions made by `new Function` (global scope, source text kept, sloppy by default).
var where = "global-where";
var add = new Function("a", "b", "return a + b;");
var reads = (function () { var where = "local"; return new Function("return where;"); })();
var withThis = Function("return this === undefined ? 'undefined' : typeof this;");
var strictOne = new Function("'use strict'; return this === undefined;");
function probe() {
  try {
    return [String(add(2, 3)), reads(), withThis(), String(strictOne()), String(add.length), add.name,
      String(add)].join("|");
  } catch (e) { return "threw " + e.name + ": " + e.message; }
}
