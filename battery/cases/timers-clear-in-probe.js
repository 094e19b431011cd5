// A pending timer whose handle was kept; the probe clears it through the restored handle
// (its callback would make the process exit non-zero if it ever ran).
var handle = setTimeout(function () { process.exit(3); }, 30);
var other = setTimeout(function () {}, 10);
function probe() {
  try {
    clearTimeout(handle);
    return ["cleared", typeof handle, String(handle === handle)].join("|");
  } catch (e) { return "threw " + e.name + ": " + e.message; }
}
