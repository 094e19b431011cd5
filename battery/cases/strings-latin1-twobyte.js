// One-byte (Latin-1) and two-byte strings, and strings mixing them; comparison across encodings.
var latin = "caf\u00e9 \u00ff\u00e0";
var wide = "\u0100\u2603\uFFFF";
var mix = latin + wide;
var downgraded = (wide + "abc").slice(3);   // a two-byte parent, one-byte content
var obj = {};
obj[downgraded] = "ok";
function codes(s) {
  var out = [];
  for (var i = 0; i < s.length; i++) out.push(s.charCodeAt(i).toString(16));
  return out.join(" ");
}
function probe() {
  try {
    return [codes(latin), codes(wide), codes(mix), downgraded, String(downgraded === "abc"),
      String(obj.abc), latin.toUpperCase(), String(mix.length), String(latin < wide)].join("|");
  } catch (e) { return "threw " + e.name + ": " + e.message; }
}
