// MODERN SYNTAX (BigInt literals): BigInt64Array/BigUint64Array edge values.
var b64 = new BigInt64Array([0n, -1n, 9223372036854775807n, -9223372036854775808n]);
var bu64 = new BigUint64Array(b64.buffer);
var big = 2n ** 100n;
var dv = new DataView(new ArrayBuffer(8));
dv.setBigInt64(0, -2n, true);
function probe() {
  try {
    return [Array.prototype.join.call(b64, ","), Array.prototype.join.call(bu64, ","), String(big),
      String(dv.getBigUint64(0, true)), typeof big, String(big === 2n ** 100n)].join("|");
  } catch (e) { return "threw " + e.name + ": " + e.message; }
}
