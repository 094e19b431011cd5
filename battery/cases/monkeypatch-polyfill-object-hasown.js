// Object.hasOwn defined unconditionally by the setup (replaces the builtin where one exists).
var native = typeof Object.hasOwn === "function";
Object.defineProperty(Object, "hasOwn", {
  value: function hasOwn(o, k) { return Object.prototype.hasOwnProperty.call(Object(o), k); },
  writable: true, configurable: true, enumerable: false
});
Object.hasOwn.isBatteryPolyfill = true;
function probe() {
  try {
    return [String(native), String(Object.hasOwn({ a: 1 }, "a")), String(Object.hasOwn({}, "toString")),
      String(Object.hasOwn.isBatteryPolyfill), String(Object.hasOwn("str", "length")), Object.hasOwn.name].join("|");
  } catch (e) { return "threw " + e.name + ": " + e.message; }
}
