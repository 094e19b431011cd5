// Class getters/setters, static methods and static accessors.
class Temp {
  constructor(c) { this._c = c; }
  get f() { return this._c * 9 / 5 + 32; }
  set f(v) { this._c = (v - 32) * 5 / 9; }
  static fromF(f) { var t = new Temp(0); t.f = f; return t; }
  static get unit() { return "C"; }
}
var t = Temp.fromF(212);
function probe() {
  try {
    var d = Object.getOwnPropertyDescriptor(Temp.prototype, "f");
    var sd = Object.getOwnPropertyDescriptor(Temp, "unit");
    t.f = 32;
    return [String(t._c), String(Temp.unit), typeof d.get, typeof d.set, String(d.enumerable), typeof sd.get,
      Object.getOwnPropertyNames(Temp).sort().join(","), Object.getOwnPropertyNames(Temp.prototype).join(","),
      String(Temp.fromF(50)._c)].join("|");
  } catch (e) { return "threw " + e.name + ": " + e.message; }
}
