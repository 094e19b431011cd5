// Reflect.ownKeys and Object.getOwnPropertyNames replaced with reversing versions.
var realOwnKeys = Reflect.ownKeys, realNames = Object.getOwnPropertyNames;
Reflect.ownKeys = function (o) { return realOwnKeys(o).reverse(); };
Object.getOwnPropertyNames = function (o) { return ["patched"].concat(realNames(o)); };
var o = { a: 1, b: 2 };
o[Symbol("s")] = 3;
function probe() {
  try {
    return [Reflect.ownKeys(o).map(String).join(","), Object.getOwnPropertyNames(o).join(","),
      realOwnKeys(o).map(String).join(","), String(Reflect.ownKeys === realOwnKeys)].join("|");
  } catch (e) { return "threw " + e.name + ": " + e.message; }
}
