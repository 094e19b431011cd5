// Raw vs cooked strings, escapes, and String.raw; the strings array kept from setup.
function tag(s) { return s; }
var kept = tag`line1\nline2\t\u0041\x41${0}\\end`;
var raw = String.raw`C:\new\table${1}\u0041`;
function probe() {
  try {
    return [JSON.stringify(Array.prototype.slice.call(kept)), JSON.stringify(Array.prototype.slice.call(kept.raw)),
      raw, JSON.stringify(Object.getOwnPropertyDescriptor(kept, "raw").enumerable)].join("|");
  } catch (e) { return "threw " + e.name + ": " + e.message; }
}
