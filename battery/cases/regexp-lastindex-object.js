// lastIndex holding an object whose valueOf counts calls; exec converts it (once per exec).
var conversions = 0;
var idx = { valueOf: function () { conversions++; return 2; } };
var re = /a/g;
re.lastIndex = idx;
var sticky = /a/y;
sticky.lastIndex = { valueOf: function () { conversions += 100; return 1; } };
function probe() {
  try {
    var r = [String(re.lastIndex === idx), String(conversions)];
    var m = re.exec("aaaa");
    r.push(String(m && m.index), String(re.lastIndex), String(conversions));
    var s = sticky.exec("ba");
    r.push(String(s && s.index), String(conversions));
    return r.join("|");
  } catch (e) { return "threw " + e.name + ": " + e.message; }
}
