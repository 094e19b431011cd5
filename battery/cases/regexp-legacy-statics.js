// Legacy RegExp statics ($1, lastMatch, leftContext, input) after setup's last match.
// The probe reads them before running any regexp of its own.
var re = /(\w+)@(\w+)\.com/;
re.exec("mail: alice@example.com, bob@test.org");
/zz(z)?/.test("no match here");   // a failed match must not change the statics
function probe() {
  try {
    var r = [];
    var names = ["$1", "$2", "$3", "lastMatch", "leftContext", "rightContext", "input", "lastParen", "$_", "$&"];
    for (var i = 0; i < names.length; i++) {
      var d = Object.getOwnPropertyDescriptor(RegExp, names[i]);
      r.push(names[i] + "=" + (d ? JSON.stringify(RegExp[names[i]]) : "absent"));
    }
    return r.join("|");
  } catch (e) { return "threw " + e.name + ": " + e.message; }
}
