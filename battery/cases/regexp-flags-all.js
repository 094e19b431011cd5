// Every flag g i m s u y on regexps created in setup, each exercised in the probe.
var res = {
  g: /a./g, i: /abc/i, m: /^x$/m, u: /\u{1F600}/u, y: /foo/y, gi: /B/gi
};
var sFlag;
try { sFlag = new RegExp("a.b", "s"); } catch (e) { sFlag = null; }
var all;
try { all = new RegExp("x", "gimsuy"); } catch (e) { all = null; }
function probe() {
  try {
    var r = [];
    for (var k in res) r.push(k + ":" + res[k].flags + ":" + res[k].source);
    r.push(String("aXaYaZ".match(res.g)), String(res.i.test("xABCx")), String("1\nx\n2".match(res.m)),
      String(res.u.test("\uD83D\uDE00")), String(res.y.test("foofoo")) + res.y.lastIndex,
      String("bBb".replace(res.gi, "_")));
    r.push(sFlag ? String(sFlag.test("a\nb")) + sFlag.flags : "no-s");
    r.push(all ? all.flags : "no-all");
    return r.join("|");
  } catch (e) { return "threw " + e.name + ": " + e.message; }
}
