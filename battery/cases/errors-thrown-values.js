// Non-Error throw values caught in setup and kept; Error objects with non-string messages.
var caught = [];
[42, "str", null, undefined, { obj: 1 }, Symbol("thrown")].forEach(function (v) {
  try { throw v; } catch (e) { caught.push(e); }
});
var numMsg = new Error(12345);
var objMsg = new Error({ toString: function () { return "from-toString"; } });
function probe() {
  try {
    return [caught.map(function (v) { return typeof v; }).join(","), String(caught[0]), JSON.stringify(caught[4]),
      String(caught[5].toString()), JSON.stringify(numMsg.message), JSON.stringify(objMsg.message)].join("|");
  } catch (e) { return "threw " + e.name + ": " + e.message; }
}
