// A subclass of Error with its own name and extra fields.
class AppError extends Error {
  constructor(msg, code) { super(msg); this.name = "AppError"; this.code = code; }
  describe() { return this.name + "#" + this.code + ":" + this.message; }
}
class DeepError extends AppError {}
var e1 = new AppError("boom", 7);
var e2 = new DeepError("deeper", 8);
function probe() {
  try {
    return [e1.describe(), e2.describe(), String(e1 instanceof Error), String(e2 instanceof AppError),
      String(e1), Object.prototype.toString.call(e2), Object.keys(e1).join(","),
      String(Object.getPrototypeOf(DeepError) === AppError), typeof e1.stack, e2.constructor.name,
      JSON.stringify(Object.getOwnPropertyDescriptor(e1, "message"))].join("|");
  } catch (e) { return "threw " + e.name + ": " + e.message; }
}
