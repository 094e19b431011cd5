// make-env: TZ=America/New_York
// run-env: TZ=Asia/Tokyo
// Local-time parsing and construction done in the probe must use the restoring process's zone,
// even though setup warmed the engine's time-zone cache in another zone.
var warm = [];
for (var i = 0; i < 24; i++) warm.push(new Date(2020, 5, 1, i).getTime());
function probe() {
  try {
    return [String(new Date(2020, 5, 1, 12).getTime()), String(Date.parse("2020-06-01T12:00:00")),
      String(new Date("June 1, 2020 12:00:00").getTime()), String(new Date(2020, 0, 1).getTimezoneOffset()),
      String(warm.length)].join("|");
  } catch (e) { return "threw " + e.name + ": " + e.message; }
}
