// `this` at top level is the global object; `global` aliases it; a sloppy function's `this` too.
var topThis = this;
var sloppyThis = (function () { return this; })();
var strictThis = (function () { "use strict"; return this; })();
var arrowThis = (() => this)();
function probe() {
  try {
    return [String(topThis === global), String(sloppyThis === global), String(strictThis), String(arrowThis === topThis),
      String(topThis.probe === probe), typeof topThis, String(typeof globalThis === "undefined" ? "no-globalThis" : globalThis === topThis)].join("|");
  } catch (e) { return "threw " + e.name + ": " + e.message; }
}
