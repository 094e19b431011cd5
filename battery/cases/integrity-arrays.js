// Frozen, sealed and non-extensible arrays: push/pop/index writes/length.
var fa = Object.freeze([1, 2, 3]);
var sa = Object.seal([1, 2, 3]);
var na = Object.preventExtensions([1, 2, 3]);
var fd = Object.freeze([0.5, 1.5]);     // a frozen double array
function attempt(f) { try { return "ok:" + f(); } catch (e) { return e.name; } }
function probe() {
  try {
    return [attempt(function () { return fa.push(4); }), attempt(function () { return sa.push(4); }),
      attempt(function () { return na.push(4); }), attempt(function () { return sa.pop(); }),
      attempt(function () { return na.pop(); }), attempt(function () { "use strict"; fa[0] = 9; return fa[0]; }),
      attempt(function () { "use strict"; sa[0] = 9; return sa[0]; }), String(Object.isFrozen(fd)),
      attempt(function () { "use strict"; fd[1] = 2.5; return fd[1]; }),
      JSON.stringify([fa, sa, na, fd])].join("|");
  } catch (e) { return "threw " + e.name + ": " + e.message; }
}
