// An IIFE "module" with private state, a private helper and a public API.
var Store = (function () {
  var items = [];
  var nextId = 1;
  function fmt(item) { return item.id + "=" + item.name; }
  return {
    add: function (name) { items.push({ id: nextId++, name: name }); return this; },
    list: function () { return items.map(fmt).join(","); },
    count: function () { return items.length; }
  };
})();
Store.add("a").add("b");
function probe() {
  try {
    Store.add("c");
    return [Store.list(), String(Store.count()), typeof Store.items, Object.keys(Store).join(",")].join("|");
  } catch (e) { return "threw " + e.name + ": " + e.message; }
}
