// A proxy of an array with a set trap that logs; array methods through the proxy.
var log = [];
var arr = [1, 2];
var p = new Proxy(arr, { set: function (t, k, v) { log.push(String(k)); t[k] = v; return true; } });
p.push(3);
function probe() {
  try {
    var setupLog = log.join(",");
    p.push(4);
    return [setupLog, log.join(","), arr.join(","), String(Array.isArray(p)), JSON.stringify(p),
      String(p.length), Object.prototype.toString.call(p)].join("|");
  } catch (e) { return "threw " + e.name + ": " + e.message; }
}
