//! RegExp's legacy statics (`RegExp.$1`…`$9`, `input`, `lastMatch`, `leftContext`,
//! `rightContext`, `lastParen`, `index`) across a TTD snapshot.
//!
//! TTD does not keep them: after inflation they read as after no match. They are set by the
//! last successful match, so they can be made again. [`INSTALL`] runs in a record runtime
//! before any setup script and keeps, in a hidden global, the builtins it needs. At capture
//! (`capture()`) the statics are written beside the TTD files, as a JavaScript array literal
//! ([`FILE`]); after inflation `restore(statics)` runs one match built to give exactly
//! those values — a sticky RegExp whose lookaheads capture each group's text where it lies
//! in the input, then the matched text, at the index the match had. Where no such match
//! exists (a group's text is not in the input after the match's start), nothing is done and
//! the loss stays declared (`make` then notes it).

/// The payload file holding the statics at capture.
pub(crate) const FILE: &str = "polysnap-regexp-statics.js";

/// Installs `__polysnap_regexp_statics` (`capture()`, `restore(statics)`), with the builtins
/// it uses taken before any setup script.
pub(crate) const INSTALL: &str = r#"(function (g, R, apply, define) {
  var charCodeAt = String.prototype.charCodeAt, fromCharCode = String.fromCharCode;
  var slice = String.prototype.slice, indexOf = String.prototype.indexOf, charAt = String.prototype.charAt;
  var exec = RegExp.prototype.exec, numberToString = Number.prototype.toString;
  var names = ['input', 'lastMatch', 'leftContext', 'rightContext', 'lastParen', '$1', '$2', '$3', '$4',
    '$5', '$6', '$7', '$8', '$9'];
  function literal(text) {
    var out = '"';
    for (var i = 0; i < text.length; i++) {
      var c = apply(charCodeAt, text, [i]);
      out += c >= 0x20 && c < 0x7f && c !== 0x22 && c !== 0x5c ? fromCharCode(c)
        : '\\u' + apply(slice, '000' + apply(numberToString, c, [16]), [-4]);
    }
    return out + '"';
  }
  function escape(text) {
    var out = '';
    for (var i = 0; i < text.length; i++) {
      var c = apply(charAt, text, [i]);
      out += apply(indexOf, '\\^$.*+?()[]{}|/-', [c]) >= 0 ? '\\' + c : c;
    }
    return out;
  }
  function capture() {
    var out = '[';
    for (var i = 0; i < names.length; i++) {
      var value = R[names[i]];
      if (typeof value !== 'string') return 'null';
      out += literal(value) + ',';
    }
    if (R.lastMatch === '' && R.input === '') return 'null';
    return out + (typeof R.index === 'number' ? R.index : -1) + ']';
  }
  function restore(s) {
    if (!s) return false;
    var input = s[0], lastMatch = s[1], at = s[2].length, count = 9;
    if (apply(slice, input, [at, at + lastMatch.length]) !== lastMatch) return false;
    while (count > 0 && s[4 + count] === '') count--;
    var pattern = '';
    for (var k = 0; k < count; k++) {
      var group = s[5 + k];
      if (group === '') { pattern += '(?=())'; continue; }
      var offset = apply(indexOf, input, [group, at]);
      if (offset < 0) return false;
      pattern += '(?=[\\s\\S]{' + (offset - at) + '}(' + escape(group) + '))';
    }
    var re = new R(pattern + escape(lastMatch), 'y');
    re.lastIndex = at;
    return apply(exec, re, [input]) !== null;
  }
  define(g, '__polysnap_regexp_statics', { __proto__: null, value: { capture: capture, restore: restore } });
})(this, RegExp, Reflect.apply, Object.defineProperty)"#;

/// Run at capture: the statics as an array literal, or `null`.
pub(crate) const CAPTURE: &str = "__polysnap_regexp_statics.capture()";

/// The script an inflated runtime runs to make the captured statics again.
pub(crate) fn restore_script(captured: &str) -> String {
    format!("typeof __polysnap_regexp_statics === 'object' && __polysnap_regexp_statics.restore({captured})")
}
