// Function.prototype.toString of classes, methods, arrows and functions must return the
// exact source text after restore (engines keep it from the script source).
class Shape {
  // a comment inside
  area() { return 0; }
}
var arrow = (a, b) => a + /* inline */ b;
function plain(x) {
  return x * 2; // trailing
}
var method = { m() { return "m"; } }.m;
var bound = plain.bind(null);
function probe() {
  try {
    return [String(Shape), String(Shape.prototype.area), String(arrow), String(plain), String(method),
      String(bound), String(Math.max)].join("|");
  } catch (e) { return "threw " + e.name + ": " + e.message; }
}
