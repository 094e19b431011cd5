"use strict";
// A strict-mode setup script: assignments to undeclared names throw; functions are strict.
var result;
try { undeclaredName = 1; result = "assigned"; } catch (e) { result = e.name; }
function isStrict() { return this === undefined; }
var fnCallerAccess;
try { fnCallerAccess = typeof isStrict.caller; } catch (e) { fnCallerAccess = e.name; }
function probe() {
  try {
    var r = [result, String(isStrict()), fnCallerAccess];
    try { undeclaredLater = 1; r.push("assigned"); } catch (e) { r.push(e.name); }
    return r.join("|");
  } catch (e) { return "threw " + e.name + ": " + e.message; }
}
