// Function.prototype.call/apply/bind replaced with counting wrappers (host code that uses
// fn.call/fn.apply after restore would be observed).
var realCall = Function.prototype.call, realApply = Function.prototype.apply;
var counts = { call: 0, apply: 0 };
Function.prototype.call = function (t) {
  counts.call++;
  var rest = [];
  for (var i = 1; i < arguments.length; i++) rest.push(arguments[i]);
  return Reflect.apply(this, t, rest);
};
Function.prototype.apply = function (t, a) { counts.apply++; return Reflect.apply(this, t, a || []); };
function add(a, b) { return a + b; }
var atSetupEnd;
atSetupEnd = counts.call + "," + counts.apply;
function probe() {
  try {
    var start = counts.call + "," + counts.apply;
    var v = add.call(null, 1, 2) + add.apply(null, [3, 4]);
    return [atSetupEnd, start, String(v), counts.call + "," + counts.apply].join("|");
  } catch (e) { return "threw " + e.name + ": " + e.message; }
}
