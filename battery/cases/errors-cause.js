// error.cause (ES2022 option bag; an engine without it just ignores the argument).
var root = new TypeError("root");
var wrapped = new Error("wrapper", { cause: root });
var withUndefined = new Error("u", { cause: undefined });
var noCause = new Error("n", {});
function probe() {
  try {
    return [String("cause" in wrapped), String(wrapped.cause === root), String("cause" in withUndefined),
      String("cause" in noCause), JSON.stringify(Object.getOwnPropertyDescriptor(withUndefined, "cause")),
      Object.getOwnPropertyNames(wrapped).filter(function (k) { return k !== "stack"; }).join(",")].join("|");
  } catch (e) { return "threw " + e.name + ": " + e.message; }
}
