// Array.prototype polluted with an enumerable named property and an indexed element
// (holes in every array now read through it).
Array.prototype.extra = "ext";
Array.prototype[1] = "from-proto";
var holey = [0, , 2];
var dense = [7, 8, 9];
function probe() {
  try {
    var k = [];
    for (var i in holey) k.push(i);
    return [String(holey[1]), holey.join(","), k.join(","), String(dense[1]), String([].length),
      String([][1]), JSON.stringify(holey), String(holey.hasOwnProperty(1))].join("|");
  } catch (e) { return "threw " + e.name + ": " + e.message; }
}
