// make-env: TZ=America/New_York
// run-env: TZ=Asia/Tokyo
// An Intl.DateTimeFormat created in setup (an ICU object owned by native code) with a fixed
// zone, and one resolving the default zone at creation time.
var hasIntl = typeof Intl === "object" && typeof Intl.DateTimeFormat === "function";
var fixed = hasIntl ? new Intl.DateTimeFormat("en-US", { timeZone: "UTC", hour: "numeric", minute: "numeric", hour12: false }) : null;
var dflt = hasIntl ? new Intl.DateTimeFormat("en-US") : null;
var t = Date.UTC(2021, 0, 15, 12, 30);
function probe() {
  try {
    if (!hasIntl) return "no Intl";
    return [fixed.format(t), fixed.resolvedOptions().timeZone, typeof dflt.resolvedOptions().timeZone,
      new Date(t).toLocaleString("en-US", { timeZone: "UTC" })].join("|");
  } catch (e) { return "threw " + e.name + ": " + e.message; }
}
