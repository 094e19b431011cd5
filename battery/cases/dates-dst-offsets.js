// make-env: TZ=UTC
// run-env: TZ=America/New_York
// Setup in UTC, restore in New York: DST-dependent offsets for instants created in setup.
var instants = [Date.UTC(2021, 0, 1), Date.UTC(2021, 2, 14, 6, 59), Date.UTC(2021, 2, 14, 7, 0),
  Date.UTC(2021, 6, 1), Date.UTC(2021, 10, 7, 5, 59), Date.UTC(2021, 10, 7, 6, 0)].map(function (t) { return new Date(t); });
instants.forEach(function (d) { d.getHours(); });
function probe() {
  try {
    return instants.map(function (d) { return d.getTimezoneOffset() + "@" + d.getHours(); }).join(",");
  } catch (e) { return "threw " + e.name + ": " + e.message; }
}
