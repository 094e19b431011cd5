// A proxy of a function with apply and construct traps.
function Base(x) { this.x = x; }
Base.prototype.hello = function () { return "hello " + this.x; };
var calls = 0;
var P = new Proxy(Base, {
  apply: function (t, thisArg, args) { calls++; return "applied:" + args.join(","); },
  construct: function (t, args, nt) { calls++; var o = Reflect.construct(t, args, nt); o.viaTrap = true; return o; }
});
var made = new P("setup");
function probe() {
  try {
    var o = new P("probe");
    return [String(P(1, 2)), o.hello(), String(o.viaTrap), String(o instanceof Base), String(o instanceof P),
      typeof P, String(P.prototype === Base.prototype), made.hello(), String(calls), String(P.name)].join("|");
  } catch (e) { return "threw " + e.name + ": " + e.message; }
}
