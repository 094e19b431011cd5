// String wrapper objects: index properties, length, extra props, identity.
var so = new String("abc");
so.extra = 1;
so[5] = "five";
var so2 = Object("😀");
var alias = so;
function probe() {
  try {
    return [typeof so, String(so.length), Reflect.ownKeys(so).map(String).join(","),
      JSON.stringify(Object.getOwnPropertyDescriptor(so, "0")),
      JSON.stringify(Object.getOwnPropertyDescriptor(so, "length")),
      so.valueOf(), String(so[5]), String(alias === so), String(so == "abc"),
      String(so2.length), Object.keys(so2).join(","), String(so instanceof String)].join("|");
  } catch (e) { return "threw " + e.name + ": " + e.message; }
}
