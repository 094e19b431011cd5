// A live revocable proxy whose revoke function is kept; the probe uses it, revokes, uses again.
var r = Proxy.revocable({ v: "live" }, { get: function (t, k) { return k === "v" ? t.v + "!" : t[k]; } });
var liveProxy = r.proxy, revokeIt = r.revoke;
function probe() {
  try {
    var out = [liveProxy.v];
    revokeIt();
    try { out.push(liveProxy.v); } catch (e) { out.push(e.name); }
    return out.join("|");
  } catch (e) { return "threw " + e.name + ": " + e.message; }
}
