// args: alpha --beta=2 gamma
// process.argv captured by reference; the probe reads its user arguments.
var argvRef = process.argv;
var lengthInSetup = typeof argvRef.length;
function probe() {
  try {
    return [argvRef.slice(2).join(","), String(argvRef === process.argv), String(process.argv.slice(2).length),
      lengthInSetup, String(Array.isArray(argvRef))].join("|");
  } catch (e) { return "threw " + e.name + ": " + e.message; }
}
