"use strict";
// Strict-mode script: assigning to a getter-only property throws; a setter-only one reads undefined.
var o = {
  get ro() { return "read-only"; },
  set wo(v) { this._w = v; }
};
o.wo = "stored";
function probe() {
  var r = [];
  try { o.ro = 1; r.push("no-throw"); } catch (e) { r.push(e.name); }
  try { r.push(String(o.wo), String(o._w), o.ro); } catch (e) { r.push("threw " + e.name + ": " + e.message); }
  try { r.push(String((function () { return this; })())); } catch (e) { r.push(e.name); }
  return r.join("|");
}
