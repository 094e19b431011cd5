// A global regexp paused mid-string (lastIndex a number set by exec during setup).
var re = /\d+/g;
var text = "a1 b22 c333 d4444";
re.exec(text); re.exec(text);
var savedIndex = re.lastIndex;
var manual = /o/g;
manual.lastIndex = 7;
function probe() {
  try {
    var m1 = re.exec(text);
    var li = re.lastIndex;
    var m2 = manual.exec("foo boo zoo");
    return [String(savedIndex), String(m1 && m1[0]), String(m1 && m1.index), String(li),
      String(m2 && m2.index), String(manual.lastIndex)].join("|");
  } catch (e) { return "threw " + e.name + ": " + e.message; }
}
