// MODERN (ES2022 `d` flag, via the constructor so the file still parses everywhere).
var re = null, err = "";
try { re = new RegExp("(a)(?:b)(c)?", "dg"); } catch (e) { err = e.name; }
var m = re ? re.exec("xxab") : null;
function probe() {
  try {
    if (!re) return "no d flag: " + err;
    return [re.flags, String(re.hasIndices), JSON.stringify(m.indices), String(re.lastIndex)].join("|");
  } catch (e) { return "threw " + e.name + ": " + e.message; }
}
