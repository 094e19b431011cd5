// Non-configurable properties cannot be deleted or redefined (except writable -> non-writable).
var o = {};
Object.defineProperty(o, "nc", { value: 1, writable: true, enumerable: true, configurable: false });
Object.defineProperty(o, "ncAcc", { get: function () { return "acc"; }, configurable: false });
var deleted = delete o.nc;
function attempt(f) { try { f(); return "ok"; } catch (e) { return e.name; } }
function probe() {
  try {
    return [String(deleted), String(delete o.nc), String(o.nc),
      attempt(function () { Object.defineProperty(o, "nc", { enumerable: false }); }),
      attempt(function () { Object.defineProperty(o, "ncAcc", { value: 1 }); }),
      attempt(function () { Object.defineProperty(o, "nc", { value: 5 }); }), String(o.nc),
      attempt(function () { Object.defineProperty(o, "nc", { writable: false }); }),
      JSON.stringify(Object.getOwnPropertyDescriptor(o, "nc")), String(o.ncAcc)].join("|");
  } catch (e) { return "threw " + e.name + ": " + e.message; }
}
