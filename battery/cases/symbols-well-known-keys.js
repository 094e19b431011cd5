// Well-known symbols used as keys: iteration, primitive conversion, toStringTag, hasInstance.
var iterSym = Symbol.iterator;
var obj = {};
obj[Symbol.iterator] = function* () { yield 1; yield 2; };
obj[Symbol.toPrimitive] = function (hint) { return hint === "number" ? 42 : "str:" + hint; };
obj[Symbol.toStringTag] = "BatteryTag";
function Even() {}
Object.defineProperty(Even, Symbol.hasInstance, { value: function (x) { return x % 2 === 0; } });
var tagged = { get [Symbol.toStringTag]() { return "Getter" + "Tag"; } };
function probe() {
  try {
    var items = [];
    for (var v of obj) items.push(v);
    return [items.join(","), String(+obj), String(obj), `${obj}`, Object.prototype.toString.call(obj),
      String(4 instanceof Even), String(3 instanceof Even), String(iterSym === Symbol.iterator),
      Object.prototype.toString.call(tagged)].join("|");
  } catch (e) { return "threw " + e.name + ": " + e.message; }
}
