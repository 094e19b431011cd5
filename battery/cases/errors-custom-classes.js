// Custom error types built the pre-class way (prototype chain + name on the prototype).
function ValidationError(msg, field) {
  this.message = msg;
  this.field = field;
}
ValidationError.prototype = Object.create(Error.prototype);
ValidationError.prototype.constructor = ValidationError;
ValidationError.prototype.name = "ValidationError";
var v = new ValidationError("bad value", "age");
var builtins = [new TypeError("t"), new RangeError("r"), new SyntaxError("s"), new EvalError("e"),
  new URIError("u"), new ReferenceError("ref")];
var renamed = new Error("x");
renamed.name = "Renamed";
function probe() {
  try {
    return [String(v), String(v instanceof Error), v.field, Object.keys(v).join(","), String(renamed),
      builtins.map(function (e) { return String(e) + ":" + (Object.getPrototypeOf(e) === e.constructor.prototype); }).join(","),
      Object.prototype.toString.call(v)].join("|");
  } catch (e) { return "threw " + e.name + ": " + e.message; }
}
