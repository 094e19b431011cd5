// Date.UTC edge values (two-digit years, negative years, overflowing fields) and UTC getters.
var vals = [Date.UTC(99, 0), Date.UTC(100, 0), Date.UTC(-1, 0), Date.UTC(1970, 0, 1, 0, 0, 0, -1),
  Date.UTC(2020, 13, 35), Date.UTC(275760, 8, 13), Date.UTC(275760, 8, 13, 0, 0, 0, 1), Date.UTC(2000)];
var d = new Date(vals[2]);
var props = new Date(0);
props.label = "epoch";
function probe() {
  try {
    return [vals.join(","), d.getUTCFullYear() + "-" + d.getUTCMonth(), props.label, Object.keys(props).join(","),
      new Date(vals[4]).toISOString(), String(props instanceof Date), Object.prototype.toString.call(props)].join("|");
  } catch (e) { return "threw " + e.name + ": " + e.message; }
}
