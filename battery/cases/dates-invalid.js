// Invalid Dates: NaN time value, string forms, toISOString throwing, setters on invalid dates.
var bad = new Date("not a date");
var badNum = new Date(NaN);
var overflow = new Date(8.64e15 + 1);
var edge = new Date(8.64e15);
var revived = new Date(0);
revived.setTime(NaN);
function attempt(f) { try { return String(f()); } catch (e) { return e.name; } }
function probe() {
  try {
    return [String(bad.getTime()), String(bad), attempt(function () { return bad.toISOString(); }),
      String(badNum.valueOf()), String(overflow.getTime()), edge.toISOString(), String(revived.getFullYear()),
      JSON.stringify({ d: bad }), String(isNaN(bad)), attempt(function () { return bad.setFullYear(2000) > 0; })].join("|");
  } catch (e) { return "threw " + e.name + ": " + e.message; }
}
