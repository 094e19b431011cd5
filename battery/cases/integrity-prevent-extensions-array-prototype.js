// Object.preventExtensions(Array.prototype): existing methods replaceable, no new ones.
Object.preventExtensions(Array.prototype);
Array.prototype.batteryNew = function () { return "added"; };   // ignored
var origJoin = Array.prototype.join;
Array.prototype.join = function (sep) { return "J<" + origJoin.call(this, sep) + ">"; };
function probe() {
  try {
    var r = [String(Object.isExtensible(Array.prototype)), typeof Array.prototype.batteryNew, [1, 2].join("-"),
      String([3, 4])];
    try { (function () { "use strict"; Array.prototype.batteryNew2 = 1; })(); r.push("no-throw"); } catch (e) { r.push(e.name); }
    return r.join("|");
  } catch (e) { return "threw " + e.name + ": " + e.message; }
}
