// Top-level let/const/class live in the script scope, not on the global object; var and
// function declarations do.
var G = (function () { return this; })();
let topLet = "let-value";
const topConst = { c: 1 };
class TopClass { static who() { return "TopClass"; } }
var topVar = "var-value";
function topFn() { return "fn"; }
topLet = "let-changed";
function probe() {
  try {
    return [topLet, String(topConst.c), TopClass.who(), topVar, topFn(), String("topLet" in G), String("topConst" in G),
      String("TopClass" in G), String("topVar" in G), String("topFn" in G), String(G.topLet)].join("|");
  } catch (e) { return "threw " + e.name + ": " + e.message; }
}
