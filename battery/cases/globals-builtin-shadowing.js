// Globals that shadow or replace builtins: `var escape`, a deleted builtin, `var NaN` (ignored).
var G = (function () { return this; })();
var escape = function () { return "my-escape"; };
var NaN = 5;                    // the global NaN is non-writable: ignored
var Infinity = 6;               // likewise
var deletedUnescape = delete G.unescape;
var undefined = "u";            // ignored too
function probe() {
  try {
    return [escape(), String(NaN), String(Infinity), String(deletedUnescape), typeof unescape, String(undefined),
      String(void 0 === undefined)].join("|");
  } catch (e) { return "threw " + e.name + ": " + e.message; }
}
