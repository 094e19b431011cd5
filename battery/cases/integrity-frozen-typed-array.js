// Freezing typed arrays: an empty one can be frozen; a non-empty one cannot (TypeError);
// sealing and preventExtensions of a non-empty one work.
var empty = Object.freeze(new Uint8Array(0));
var freezeResult;
try { Object.freeze(new Uint8Array(2)); freezeResult = "frozen"; } catch (e) { freezeResult = e.name; }
var sealed = Object.seal(new Int16Array([1, 2]));
var ne = Object.preventExtensions(new Float64Array([0.5]));
sealed[0] = 7;
function probe() {
  try {
    sealed[1] = 8;
    return [String(Object.isFrozen(empty)), freezeResult, String(Object.isSealed(sealed)), String(sealed[0]) + "," + sealed[1],
      String(Object.isExtensible(ne)), String(ne[0]), String(Object.isFrozen(sealed))].join("|");
  } catch (e) { return "threw " + e.name + ": " + e.message; }
}
