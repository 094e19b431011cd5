// A non-writable data property: sloppy writes are ignored, strict writes throw.
var o = {};
Object.defineProperty(o, "fixed", { value: 1, writable: false, enumerable: true, configurable: true });
o.fixed = 2;   // silently ignored
var child = Object.create(o);
child.fixed = 3; // also ignored (inherited non-writable)
function strictWrite(obj) { "use strict"; try { obj.fixed = 9; return "wrote"; } catch (e) { return e.name; } }
function probe() {
  try {
    return [String(o.fixed), JSON.stringify(Object.getOwnPropertyDescriptor(o, "fixed")), strictWrite(o),
      String(o.fixed), String(child.hasOwnProperty("fixed")), strictWrite(child)].join("|");
  } catch (e) { return "threw " + e.name + ": " + e.message; }
}
