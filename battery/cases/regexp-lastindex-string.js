// lastIndex holding a string: it is kept as a string until an exec converts it.
var re = /x/g;
re.lastIndex = "3";
var re2 = /x/g;
re2.lastIndex = "not a number";
function probe() {
  try {
    var t1 = typeof re.lastIndex + ":" + JSON.stringify(re.lastIndex);
    var t2 = typeof re2.lastIndex + ":" + JSON.stringify(re2.lastIndex);
    var m = re.exec("xxxxx");
    var m2 = re2.exec("xx");
    return [t1, t2, String(m && m.index), String(re.lastIndex), String(m2 && m2.index), String(re2.lastIndex)].join("|");
  } catch (e) { return "threw " + e.name + ": " + e.message; }
}
