// MODERN SYNTAX (ES2022): static initialization blocks with access to private statics.
var leaked;
class Config {
  static #secret = "s3";
  static values = [];
  static {
    Config.values.push("block1");
    leaked = () => Config.#secret;
  }
  static {
    Config.values.push("block2:" + this.name);
  }
}
function probe() {
  try {
    return [Config.values.join(","), leaked(), Object.getOwnPropertyNames(Config).sort().join(",")].join("|");
  } catch (e) { return "threw " + e.name + ": " + e.message; }
}
