// require('fs') kept from setup, and the require cache's identity.
var fs = require("fs");
var req = require;
var cacheRef = require.cache;
function probe() {
  try {
    return [typeof fs.readFileSync, typeof fs.existsSync, String(fs === require("fs")), String(req === require),
      String(fs.existsSync("/")), String(cacheRef === require.cache), typeof cacheRef].join("|");
  } catch (e) { return "threw " + e.name + ": " + e.message; }
}
