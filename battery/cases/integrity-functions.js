// A frozen function (and its prototype object): no new props, still callable/constructible.
function Ctor(x) { this.x = x; }
Ctor.prototype.get = function () { return this.x; };
Ctor.tag = "t";
Object.freeze(Ctor);
Object.freeze(Ctor.prototype);
var sealedArrow = Object.seal(function (a) { return a * 2; });
function strictSet(o, k, v) { "use strict"; try { o[k] = v; return "ok"; } catch (e) { return e.name; } }
function probe() {
  try {
    var inst = new Ctor(7);
    return [String(Object.isFrozen(Ctor)), String(Object.isFrozen(Ctor.prototype)), String(inst.get()),
      strictSet(Ctor, "more", 1), strictSet(Ctor.prototype, "more", 1), strictSet(inst, "get", 1),
      String(sealedArrow(21)), String(Object.isSealed(sealedArrow)), strictSet(sealedArrow, "q", 1),
      String(Ctor.name), String(Ctor.length)].join("|");
  } catch (e) { return "threw " + e.name + ": " + e.message; }
}
