// A setup tinyrt snapshots: a computed value, a function, a bound object and a main.
var total = tinyrt.add(2, 3);
tinyrt.print("setup: 2 + 3 = " + total);
function greet(name) { return "hello, " + name; }
snapshot.bind("app", { name: "demo" });
snapshot.setMain(() => tinyrt.print(greet("main") + ", total + 1 = " + tinyrt.add(total, 1)));
