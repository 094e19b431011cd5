// A proxy revoked during setup: any operation throws TypeError, typeof still works.
var r = Proxy.revocable({ a: 1 }, {});
var revoked = r.proxy;
r.revoke();
var rf = Proxy.revocable(function () { return 1; }, {});
rf.revoke();
var holder = { p: revoked };
function attempt(f) { try { return "ok:" + f(); } catch (e) { return e.name; } }
function probe() {
  try {
    return [typeof revoked, typeof rf.proxy, attempt(function () { return revoked.a; }),
      attempt(function () { return Object.keys(revoked).length; }), attempt(function () { return Array.isArray(revoked); }),
      attempt(function () { return rf.proxy(); }), String(holder.p === revoked), attempt(function () { return "a" in revoked; }),
      attempt(function () { return String(r.revoke()); })].join("|");
  } catch (e) { return "threw " + e.name + ": " + e.message; }
}
