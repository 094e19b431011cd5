// String-keyed Maps/Sets: lookups by freshly built strings depend on string hashing after
// restore (a changed hash seed would break them).
var m = new Map();
for (var i = 0; i < 500; i++) m.set("key" + i, i);
var s = new Set(["alpha", "beta", "gamma", "\u00e9t\u00e9", "😀"]);
var mixed = new Map([["1", "string-one"], [1, "number-one"], [true, "bool"], [null, "null"], [undefined, "undef"]]);
function probe() {
  try {
    var built = ["ke", "y", String(250)].join("");
    return [String(m.get(built)), String(m.get("key499")), String(m.has("key500")), String(s.has("ga" + "mma")),
      String(s.has("\u00e9t\u00e9")), String(s.has("\uD83D\uDE00")), String(mixed.get("1")), String(mixed.get(1)),
      String(mixed.get(true)), String(mixed.get(null)), String(mixed.get(undefined)), String(mixed.get(void 0))].join("|");
  } catch (e) { return "threw " + e.name + ": " + e.message; }
}
