// make-env: TZ=America/New_York
// run-env: TZ=Asia/Tokyo
// A Date whose local fields were read during setup (engines may cache the broken-down local
// time inside the Date object); the probe reads them again, in the restoring process's zone.
var d = new Date(Date.UTC(2022, 2, 13, 6, 59, 59));  // near a New York DST change
var setupReads = [d.getHours(), d.getDay(), d.getMinutes(), d.getFullYear(), d.getTimezoneOffset()].length;
var d2 = new Date(0);
d2.getDate(); d2.toString();
function probe() {
  try {
    return [String(setupReads), String(d.getHours()), String(d.getDay()), String(d.getTimezoneOffset()),
      d.toString(), String(d2.getDate()), String(d2.getHours()), d2.toString()].join("|");
  } catch (e) { return "threw " + e.name + ": " + e.message; }
}
