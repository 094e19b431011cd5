// Non-enumerable properties are hidden from keys/for-in/JSON/assign but present otherwise.
var o = { vis: 1 };
Object.defineProperty(o, "hid", { value: 2, enumerable: false, writable: true, configurable: true });
Object.defineProperty(o, 0, { value: "idx", enumerable: false });
o.after = 3;
function probe() {
  try {
    var fi = [];
    for (var k in o) fi.push(k);
    return [Object.keys(o).join(","), Object.getOwnPropertyNames(o).join(","), fi.join(","), JSON.stringify(o),
      Object.keys(Object.assign({}, o)).join(","), String(o.hid), String(o.propertyIsEnumerable("hid")),
      JSON.stringify(Object.getOwnPropertyDescriptor(o, "0"))].join("|");
  } catch (e) { return "threw " + e.name + ": " + e.message; }
}
