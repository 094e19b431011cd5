// Deleting a middle property of a small object (typically switches it to dictionary mode),
// then adding more; order and values must hold, and the object must still be usable.
var o = { first: 1, second: 2, third: 3, fourth: 4 };
delete o.second;
o.fifth = 5;
o.second = "back";
o[10] = "ten";
o[3] = "three";
function sum(obj) { var s = 0; for (var k in obj) if (typeof obj[k] === "number") s += obj[k]; return s; }
function probe() {
  try {
    o.sixth = 6;
    return [Reflect.ownKeys(o).join(","), String(sum(o)), String(o.second), String(Object.isExtensible(o)),
      JSON.stringify(o)].join("|");
  } catch (e) { return "threw " + e.name + ": " + e.message; }
}
