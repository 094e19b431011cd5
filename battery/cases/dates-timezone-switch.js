// make-env: TZ=America/New_York
// run-env: TZ=Asia/Tokyo
// A Date made in setup from a UTC instant; local-time getters after restore must follow the
// restoring process's time zone (Tokyo), exactly as a fresh run in Tokyo does.
var d = new Date(Date.UTC(2021, 0, 15, 12, 30, 0));
var summer = new Date(Date.UTC(2021, 6, 15, 12, 30, 0));
function probe() {
  try {
    return [String(d.getTime()), String(d.getHours()), String(d.getDate()), String(d.getTimezoneOffset()),
      String(summer.getTimezoneOffset()), d.toString(), summer.toTimeString(), d.toISOString()].join("|");
  } catch (e) { return "threw " + e.name + ": " + e.message; }
}
