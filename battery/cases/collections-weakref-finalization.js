// WeakRef and FinalizationRegistry (ES2021, runtime feature test only): a WeakRef to a kept
// object, and a registry with a registered, still-live target and an unregister token.
var hasWeakRef = typeof WeakRef === "function" && typeof FinalizationRegistry === "function";
var target = { name: "kept-target" };
var ref = hasWeakRef ? new WeakRef(target) : null;
var cleaned = [];
var registry = hasWeakRef ? new FinalizationRegistry(function (held) { cleaned.push(held); }) : null;
var token = {};
if (hasWeakRef) {
  registry.register(target, "held-target", token);
  registry.register({ temp: 1 }, "held-temp");
}
function probe() {
  try {
    if (!hasWeakRef) return "no WeakRef";
    return [String(ref.deref() === target), ref.deref().name, String(registry.unregister(token)),
      String(registry.unregister(token)), Object.prototype.toString.call(ref)].join("|");
  } catch (e) { return "threw " + e.name + ": " + e.message; }
}
