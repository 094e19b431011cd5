// Non-extensible objects have an immutable [[Prototype]].
var proto1 = { who: "p1" }, proto2 = { who: "p2" };
var o = Object.create(proto1);
Object.preventExtensions(o);
var setProtoResult;
try { Object.setPrototypeOf(o, proto2); setProtoResult = "changed"; } catch (e) { setProtoResult = e.name; }
function probe() {
  try {
    var r = [setProtoResult, o.who, String(Object.getPrototypeOf(o) === proto1), String(Reflect.setPrototypeOf(o, proto2)),
      String(Reflect.setPrototypeOf(o, proto1))];
    try { o.__proto__ = proto2; r.push(o.who); } catch (e) { r.push(e.name); }
    return r.join("|");
  } catch (e) { return "threw " + e.name + ": " + e.message; }
}
