// MODERN SYNTAX (ES2022): public instance/static fields, arrow fields capturing `this`,
// computed field names.
var key = "computed";
class Widget {
  id = Widget.next++;
  static next = 1;
  handler = () => this.id;
  [key] = "c";
  label;
}
var w1 = new Widget(), w2 = new Widget();
var detached = w2.handler;
function probe() {
  try {
    var w3 = new Widget();
    return [String(w1.id), String(detached()), String(w3.id), Object.keys(w1).join(","), String(w1.label),
      String(Widget.next), JSON.stringify(Object.getOwnPropertyDescriptor(w1, "id"))].join("|");
  } catch (e) { return "threw " + e.name + ": " + e.message; }
}
