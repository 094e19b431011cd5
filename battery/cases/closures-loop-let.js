// Closures over per-iteration `let` bindings (one binding per iteration) vs a `var`.
var lets = [], vars = [], mutators = [];
for (let i = 0; i < 4; i++) {
  lets.push(function () { return i; });
  mutators.push(function () { return ++i; });
}
for (var j = 0; j < 4; j++) vars.push(function () { return j; });
mutators[1]();   // changes only iteration 1's binding
function probe() {
  try {
    return [lets.map(function (f) { return f(); }).join(","), vars.map(function (f) { return f(); }).join(","),
      String(mutators[2]()), lets.map(function (f) { return f(); }).join(",")].join("|");
  } catch (e) { return "threw " + e.name + ": " + e.message; }
}
