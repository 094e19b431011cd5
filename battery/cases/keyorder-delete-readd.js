// Deleting a key and adding it back puts it last.
var o = { a: 1, b: 2, c: 3, d: 4 };
delete o.b;
o.b = 22;
delete o.a;
o.e = 5;
o.a = 11;
var p = { x: 1, y: 2 };
delete p.y;       // delete of the last added property
p.y = 3;
function probe() {
  try {
    var forIn = [];
    for (var k in o) forIn.push(k + "=" + o[k]);
    return [Reflect.ownKeys(o).join(","), forIn.join(","), Object.keys(p).join(","), JSON.stringify(o),
      Object.entries ? Object.entries(p).join(";") : "no entries"].join("|");
  } catch (e) { return "threw " + e.name + ": " + e.message; }
}
