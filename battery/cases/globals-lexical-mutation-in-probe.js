// A top-level let mutated through a closure, and a const object mutated in place.
let counter = 0;
const box = { items: [] };
function bump() { counter++; box.items.push(counter); return counter; }
bump(); bump();
function probe() {
  try {
    var r = [String(bump()), box.items.join(",")];
    try { eval("box = null"); r.push("reassigned"); } catch (e) { r.push(e.name); }
    r.push(String(typeof counter));
    return r.join("|");
  } catch (e) { return "threw " + e.name + ": " + e.message; }
}
