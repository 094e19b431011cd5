// JSON.stringify replaced by the setup (the host must not depend on it after restore).
var originalStringify = JSON.stringify;
var calls = 0;
JSON.stringify = function (v) { calls++; return "<patched:" + typeof v + ">"; };
function probe() {
  try {
    return [JSON.stringify({ a: 1 }), String(JSON.stringify === originalStringify), originalStringify.call(JSON, { a: [1] }),
      String(calls)].join("|");
  } catch (e) { return "threw " + e.name + ": " + e.message; }
}
