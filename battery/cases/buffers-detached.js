// A buffer detached during setup, if this engine has a way to detach from script
// (ArrayBuffer.prototype.transfer); otherwise the case only reports that it cannot.
var src = new ArrayBuffer(8);
var view = new Uint8Array(src);
view[0] = 7;
var how = "none";
var moved = null;
if (typeof ArrayBuffer.prototype.transfer === "function") { moved = src.transfer(); how = "transfer"; }
function probe() {
  try {
    if (how === "none") return "cannot detach on this engine|" + String(src.byteLength) + "|" + view[0];
    var r = [how, String(src.byteLength), String(view.length), String(view[0]), String(moved.byteLength),
      String(new Uint8Array(moved)[0]), String(src.detached)];
    try { new Uint8Array(src); r.push("no-throw"); } catch (e) { r.push(e.name); }
    return r.join("|");
  } catch (e) { return "threw " + e.name + ": " + e.message; }
}
