// new.target in constructors (plain, derived, Reflect.construct with another newTarget).
var seen = [];
function F() { seen.push(new.target === undefined ? "call" : new.target.name); }
class A { constructor() { this.nt = new.target.name; } }
class B extends A {}
function Other() {}
new F();
F();
var viaReflect = Reflect.construct(A, [], Other);
function probe() {
  try {
    var b = new B();
    var r = [seen.join(","), b.nt, viaReflect.nt, String(Object.getPrototypeOf(viaReflect) === Other.prototype),
      String(viaReflect instanceof A)];
    try { A(); r.push("no-throw"); } catch (e) { r.push(e.name); }
    new F();
    r.push(seen.join(","));
    return r.join("|");
  } catch (e) { return "threw " + e.name + ": " + e.message; }
}
