// An accessor on a prototype: instance writes go through the setter and create no own property.
function Thing() { this.log = []; }
Object.defineProperty(Thing.prototype, "name", {
  get: function () { return "name:" + this.log.join("+"); },
  set: function (v) { this.log.push(v); },
  configurable: true
});
var t = new Thing();
t.name = "a";
t.name = "b";
var u = new Thing();
function probe() {
  try {
    u.name = "c";
    return [t.name, u.name, String(t.hasOwnProperty("name")), Object.keys(t).join(","),
      String(Object.getOwnPropertyDescriptor(Thing.prototype, "name").get.call({ log: ["x"] }))].join("|");
  } catch (e) { return "threw " + e.name + ": " + e.message; }
}
