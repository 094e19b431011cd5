// Top-level lexical bindings created by eval stay inside eval; functions declared by a
// block in sloppy mode (Annex B) become vars.
eval("let evalLet = 1; const evalConst = 2; var evalVar2 = 3;");
{
  function annexB() { return "annex-b"; }
}
if (true) { function conditional() { return "conditional"; } }
function probe() {
  try {
    return [typeof evalLet, typeof evalConst, String(evalVar2), typeof annexB, annexB(), conditional()].join("|");
  } catch (e) { return "threw " + e.name + ": " + e.message; }
}
