// An array whose length is non-writable: push throws, index writes past length fail.
var a = [1, 2, 3];
Object.defineProperty(a, "length", { writable: false });
a[5] = "ignored";
function attempt(f) { try { return "ok:" + f(); } catch (e) { return e.name; } }
function probe() {
  try {
    return [String(a.length), Object.keys(a).join(","), attempt(function () { return a.push(4); }),
      attempt(function () { return a.pop(); }), String(a.length),
      JSON.stringify(Object.getOwnPropertyDescriptor(a, "length")), attempt(function () { a[1] = "w"; return a[1]; })].join("|");
  } catch (e) { return "threw " + e.name + ": " + e.message; }
}
