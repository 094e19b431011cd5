// Objects made by JSON.parse (integer keys, duplicate keys, __proto__ as an own key).
var o = JSON.parse('{"b":1,"2":2,"a":3,"1":4,"b":5,"__proto__":{"x":1},"-0":6}');
var arr = JSON.parse('[1,[2,{"k":[3]}],"s"]');
function probe() {
  try {
    return [Reflect.ownKeys(o).join(","), String(o.b), String(Object.getPrototypeOf(o) === Object.prototype),
      JSON.stringify(o.__proto__), JSON.stringify(arr), JSON.stringify(o)].join("|");
  } catch (e) { return "threw " + e.name + ": " + e.message; }
}
