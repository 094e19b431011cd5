// A closure at the bottom of a 30-level scope chain, each level holding its own variable,
// plus a catch-clause binding and a block-scoped const in the chain.
function build(level, acc) {
  var mine = "L" + level;
  if (level === 30) {
    try { throw "caught"; } catch (err) {
      const blockConst = "bc";
      return function () { return acc.length + ":" + mine + ":" + err + ":" + blockConst; };
    }
  }
  return build(level + 1, acc.concat(mine));
}
var deep = build(0, []);
var levels = [];
for (var i = 0; i < 5; i++) levels.push((function (k) { return function () { return k * k; }; })(i));
function probe() {
  try {
    return [deep(), levels.map(function (f) { return f(); }).join(",")].join("|");
  } catch (e) { return "threw " + e.name + ": " + e.message; }
}
