// Own properties added to an ArrayBuffer and to typed arrays; prototype swapped on one.
var buf = new ArrayBuffer(4);
buf.tag = "buffer-tag";
var u8 = new Uint8Array(buf);
u8.meta = { n: 1 };
u8.foo = 1;
var swapped = new Int32Array(2);
Object.setPrototypeOf(swapped, Uint32Array.prototype);
var sym = Symbol("ta");
u8[sym] = "symbol-prop";
function probe() {
  try {
    return [buf.tag, String(u8.meta.n), Object.keys(u8).join(","), String(u8[sym]), String(u8["1.5"]),
      String(swapped instanceof Uint32Array), Object.prototype.toString.call(swapped),
      String(Object.getPrototypeOf(swapped) === Uint32Array.prototype)].join("|");
  } catch (e) { return "threw " + e.name + ": " + e.message; }
}
