// A sticky tokenizer paused between tokens.
var tok = /\s*(\d+|[a-z]+|[+*()])/y;
var src = "12 + abc * (3)";
var tokens = [];
var m;
for (var i = 0; i < 3 && (m = tok.exec(src)); i++) tokens.push(m[1]);
var pausedAt = tok.lastIndex;
function probe() {
  try {
    var rest = [];
    while ((m = tok.exec(src))) rest.push(m[1]);
    return [tokens.join(","), String(pausedAt), rest.join(","), String(tok.lastIndex), String(tok.sticky)].join("|");
  } catch (e) { return "threw " + e.name + ": " + e.message; }
}
