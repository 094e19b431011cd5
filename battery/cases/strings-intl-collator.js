// An Intl.Collator created in setup (an ICU object owned by native code) used after restore.
var coll = (typeof Intl === "object" && Intl.Collator) ? new Intl.Collator("de", { sensitivity: "base" }) : null;
var nf = (typeof Intl === "object" && Intl.NumberFormat) ? new Intl.NumberFormat("en-US", { maximumFractionDigits: 2 }) : null;
function probe() {
  try {
    if (!coll) return "no Intl";
    var words = ["z", "\u00e4", "a", "Z"];
    return [words.slice().sort(coll.compare).join(","), String(coll.compare("a", "A")),
      JSON.stringify(coll.resolvedOptions().sensitivity), nf ? nf.format(1234.5678) : "no nf"].join("|");
  } catch (e) { return "threw " + e.name + ": " + e.message; }
}
