// A subclass of Array: length tracking, species (map returns the subclass), methods.
class Stack extends Array {
  top() { return this[this.length - 1]; }
  static make() { return Stack.of(1, 2, 3); }
}
var s = Stack.make();
s.push(4);
var mapped = s.map(function (x) { return x * 10; });
function probe() {
  try {
    s.push(5);
    var m2 = s.filter(function (x) { return x % 2; });
    return [String(s.length), String(s.top()), String(s instanceof Stack), String(s instanceof Array),
      String(Array.isArray(s)), String(mapped instanceof Stack), mapped.join(","), String(m2 instanceof Stack),
      String(Object.getPrototypeOf(s) === Stack.prototype), s.constructor.name, JSON.stringify(s)].join("|");
  } catch (e) { return "threw " + e.name + ": " + e.message; }
}
