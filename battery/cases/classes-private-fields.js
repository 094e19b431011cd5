// MODERN SYNTAX (ES2022): private fields, private methods, private static, `#x in o`.
class Counter {
  #count = 0;
  static #instances = 0;
  constructor() { Counter.#instances++; }
  #bump(n) { this.#count += n; return this.#count; }
  inc() { return this.#bump(1); }
  static instances() { return Counter.#instances; }
  static isCounter(o) { return #count in o; }
}
var c = new Counter();
c.inc(); c.inc();
var fake = Object.create(Counter.prototype);
function probe() {
  try {
    var r = [String(c.inc()), String(Counter.instances()), String(Counter.isCounter(c)), String(Counter.isCounter(fake)),
      Reflect.ownKeys(c).join(",") || "no-own-keys"];
    try { fake.inc(); r.push("no-throw"); } catch (e) { r.push(e.name); }
    return r.join("|");
  } catch (e) { return "threw " + e.name + ": " + e.message; }
}
