// super.method() through class and object-literal home objects, and a swapped prototype.
class A { who() { return "A"; } }
class B extends A { who() { return "B>" + super.who(); } }
var objBase = { greet() { return "base"; } };
var objChild = { __proto__: objBase, greet() { return "child>" + super.greet(); } };
var b = new B();
var altBase = { who() { return "ALT"; } };
class C extends A { who() { return "C>" + super.who(); } }
Object.setPrototypeOf(C.prototype, altBase);   // super now resolves to altBase
function probe() {
  try {
    return [b.who(), objChild.greet(), new C().who(), String(b instanceof A)].join("|");
  } catch (e) { return "threw " + e.name + ": " + e.message; }
}
