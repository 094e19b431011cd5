// A setTimeout still pending at capture: its callback has not run when probe is called.
var fired = "not-yet";
var handle = setTimeout(function () { fired = "fired"; }, 20);
var zero = "not-yet";
setTimeout(function () { zero = "fired"; }, 0);
function probe() {
  try {
    return [fired, zero, typeof handle].join("|");
  } catch (e) { return "threw " + e.name + ": " + e.message; }
}
