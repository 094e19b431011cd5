// A named function expression refers to itself through its read-only name binding,
// even after the outer variable is reassigned.
var fact = function f(n) { f = null; return n <= 1 ? 1 : n * f(n - 1); };
var saved = fact;
fact = null;
var recursive = function again(n, acc) { return n === 0 ? acc : again(n - 1, acc + n); };
function probe() {
  try {
    return [String(saved(5)), String(recursive(10, 0)), String(saved.name), String(typeof f)].join("|");
  } catch (e) { return "threw " + e.name + ": " + e.message; }
}
