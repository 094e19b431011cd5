// Function.prototype.toString replaced (hides sources), and a function with its own toString.
var realToString = Function.prototype.toString;
Function.prototype.toString = function () { return "function " + this.name + "() { [hidden] }"; };
function secret() { return "s"; }
var own = function () {};
own.toString = function () { return "own-toString"; };
function probe() {
  try {
    return [String(secret), secret.toString(), String(own), realToString.call(secret),
      String(Function.prototype.toString === realToString), String(Math.max)].join("|");
  } catch (e) { return "threw " + e.name + ": " + e.message; }
}
