// Symbol-keyed properties, their order relative to string keys, and their attributes.
var a = Symbol("a"), b = Symbol("b"), c = Symbol();
var o = {};
o.z = 1;
o[b] = "B";
o[1] = "one";
o[a] = "A";
Object.defineProperty(o, c, { value: "C", enumerable: false });
o.y = 2;
function probe() {
  try {
    return [Reflect.ownKeys(o).map(String).join(","), Object.getOwnPropertySymbols(o).map(String).join(","),
      String(o[a]), String(o[b]), String(o[c]),
      JSON.stringify(Object.getOwnPropertyDescriptor(o, c)), Object.keys(o).join(","),
      JSON.stringify(o), String(Object.assign({}, o)[a])].join("|");
  } catch (e) { return "threw " + e.name + ": " + e.message; }
}
