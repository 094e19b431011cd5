//! Numbers across a TTD snapshot, exactly.
//!
//! TTD writes every number as text with `%.32f`: a tiny number loses digits (`2e-300` reads
//! back as `0`, `1.2345678901234567e-20` as `1.234567890123e-20`) and one of magnitude
//! ≥ 1e30 ends the capture ("Formatting failed or result is too big"). Strings survive
//! exactly. So at capture (`prepare()`) the numbers TTD cannot carry that a script can reach
//! from the global object — own data properties (elements too) and Map values — are listed
//! with their exact text (`String(x)`, which reads back as the same number), in a table
//! kept in a closure of the heap, and replaced by `0` while the snapshot is taken
//! (`putBack()` makes the recorder's heap whole again). After inflation `restore()` sets
//! each listed value back and drops the table. A tiny number still in the snapshot's text
//! after that is one polysnap could not carry: [`uncarried`] counts them, and `make` notes it.
//!
//! What stays out of reach: numbers only a closure holds (a module's private `const`), Map
//! keys, Set members and boxed `Number`s (they have no place to write to), and a huge number
//! in a property that is neither writable nor configurable: `prepare()` refuses those huge
//! ones by path (TTD would end the process); a tiny one there is left to `make`'s restore
//! check, which compares the values it can read, and to the note [`uncarried`] gives.

/// Installs `__polysnap_exact_numbers` (`prepare()`, `putBack()`, `restore()`), with the
/// builtins it uses taken before any setup script.
pub(crate) const INSTALL: &str = r#"(function (g) {
  'use strict';
  var R = Reflect, apply = R.apply, ownKeys = R.ownKeys, getDesc = R.getOwnPropertyDescriptor;
  var define = R.defineProperty, getProto = R.getPrototypeOf, create = Object.create;
  var hasOwn = Object.prototype.hasOwnProperty, NativeMap = Map, toNumber = Number, toText = String;
  var mapProto = Map.prototype, setProto = Set.prototype, mapSet = mapProto.set, mapGet = mapProto.get;
  var mapForEach = mapProto.forEach, setForEach = setProto.forEach;
  var mapSize = getDesc(mapProto, 'size').get, setSize = getDesc(setProto, 'size').get;
  var typedArrayProto = getProto(Uint8Array.prototype), typedArrayLength = getDesc(typedArrayProto, 'length').get;
  var keyText = Symbol.prototype.toString, abs = Math.abs, MAX_VALUE = Number.MAX_VALUE;
  // Lists no setup can reach: no prototype, so no inherited setter runs.
  function list() { var l = create(null); l.length = 0; return l; }
  function add(l, value) { l[l.length++] = value; }
  function inherits(o, proto) {
    for (var p = getProto(o); p !== null; p = getProto(p)) if (p === proto) return true;
    return false;
  }
  function brand(getter, o) { try { apply(getter, o, []); return true; } catch (e) { return false; } }
  // Number.MAX_VALUE itself is recorded fine (measured); anything else from 1e30 up is not.
  function huge(x) { return abs(x) >= 1e30 && abs(x) !== Infinity && x !== MAX_VALUE; }
  // Up to 1e-14 (written 0.00000000000000999…) the 32 decimals keep fewer than 17 significant digits (re-setting a value
  // that happened to survive costs nothing).
  function needsCarrying(x) { return huge(x) || (x !== 0 && abs(x) <= 1e-14); }
  function isIndex(key) { return typeof key === 'string' && toText(key >>> 0) === key && key !== '4294967295'; }
  function keyPath(path, key) {
    return typeof key === 'symbol' ? path + '[' + apply(keyText, key, []) + ']'
      : isIndex(key) ? path + '[' + key + ']' : path + '.' + key;
  }

  var table = null;
  function prepare() {
    var carried = list(), refusals = list(), seen = new NativeMap(), queue = list(), next = 0;
    function reach(value, path) {
      if (value === null || (typeof value !== 'object' && typeof value !== 'function')) return;
      if (apply(mapGet, seen, [value]) !== undefined) return;
      apply(mapSet, seen, [value, true]);
      add(queue, [value, path]);
    }
    // Set aside as 0 while the snapshot is taken: a huge number would end the capture, and
    // a tiny one left in the text is then one polysnap did not carry (see `uncarried`).
    function number(holder, key, x, path, inMap) {
      if (!needsCarrying(x)) return;
      var placed = inMap ? (apply(mapSet, holder, [key, 0]), true)
                         : define(holder, key, { __proto__: null, value: 0 });
      if (placed) return add(carried, [holder, key, toText(x), inMap]);
      if (huge(x)) add(refusals, path + ' is ' + toText(x) + ' in a property that is neither writable nor configurable');
    }
    // One object's own numbers, what it holds and its prototype.
    function visit(o, path) {
      var view = inherits(o, typedArrayProto) && brand(typedArrayLength, o);
      var keys = ownKeys(o);
      for (var i = 0; i < keys.length; i++) {
        if (view && isIndex(keys[i])) continue;
        var d = getDesc(o, keys[i]);
        if (d === undefined) continue;
        var keyed = keyPath(path, keys[i]);
        if (!apply(hasOwn, d, ['value'])) { reach(d.get, keyed + '.[[Get]]'); reach(d.set, keyed + '.[[Set]]'); continue; }
        if (typeof d.value === 'number') number(o, keys[i], d.value, keyed, false);
        else reach(d.value, keyed);
      }
      reach(getProto(o), path + '.[[Prototype]]');
      if (inherits(o, mapProto) && brand(mapSize, o)) {
        apply(mapForEach, o, [function (v, k) {
          if (typeof k === 'number' && huge(k)) add(refusals, path + ' has the Map key ' + toText(k));
          if (typeof v === 'number') number(o, k, v, path + '.[[MapData]]', true);
          reach(k, path + '.[[MapData]].key');
          reach(v, path + '.[[MapData]].value');
        }]);
      } else if (inherits(o, setProto) && brand(setSize, o)) {
        apply(setForEach, o, [function (v) {
          if (typeof v === 'number' && huge(v)) add(refusals, path + ' has the Set member ' + toText(v));
          reach(v, path + '.[[SetData]]');
        }]);
      }
    }
    reach(g, 'globalThis');
    while (next < queue.length) {
      var entry = queue[next++];
      // A proxy whose traps throw (a revoked one) holds nothing TTD writes as a number.
      try { visit(entry[0], entry[1]); } catch (e) { /* left to TTD and make's restore check */ }
    }
    table = carried;
    if (refusals.length === 0) return '';
    putBack();
    var text = refusals[0];
    for (var r = 1; r < refusals.length && r < 5; r++) text += '; ' + refusals[r];
    return refusals.length > 5 ? text + ' (and ' + (refusals.length - 5) + ' more)' : text;
  }
  // Sets each carried value back from its text (the table holds no number TTD would write).
  function putBack() {
    for (var i = 0; table !== null && i < table.length; i++) {
      var e = table[i], x = toNumber(e[2]);
      if (e[3]) apply(mapSet, e[0], [e[1], x]);
      else define(e[0], e[1], { __proto__: null, value: x });
    }
  }
  function restore() { putBack(); table = null; }
  define(g, '__polysnap_exact_numbers', { __proto__: null, value: { prepare: prepare, putBack: putBack, restore: restore } });
})(this)"#;

/// Run at capture, right before the snapshot: lists the numbers to carry and sets the huge
/// ones aside; completes with `""`, or with what cannot be carried, by path.
pub(crate) const PREPARE: &str = "__polysnap_exact_numbers.prepare()";

/// Run in the recorder after the snapshot was written: its heap is whole again.
pub(crate) const PUT_BACK: &str = "__polysnap_exact_numbers.putBack()";

/// Run in an inflated runtime, before the integrity of frozen arrays is applied again.
pub(crate) const RESTORE: &str =
    "typeof __polysnap_exact_numbers === 'object' && (__polysnap_exact_numbers.restore(), true)";

/// How many numbers of magnitude up to 1e-14 the TTD snapshot text `snap` (UTF-16LE) still
/// holds: TTD writes numbers with 32 decimals, so such a number is written as
/// `0.00000000000000…` with fewer than 17 significant digits. One below 5e-33 is written as
/// 0, as a zero is (a float array's element, -0), and cannot be told from one: not counted. Run after `prepare()` set
/// aside every number it could carry, what is left is held where scripts cannot reach it
/// (a closure's variables) or cannot write to it.
pub(crate) fn uncarried(snap: &[u8]) -> usize {
    const TINY: &[u8] = b"0.00000000000000";
    let units: Vec<u16> = snap.chunks_exact(2).map(|c| u16::from_le_bytes([c[0], c[1]])).collect();
    let is_digit = |u: u16| (u16::from(b'0')..=u16::from(b'9')).contains(&u);
    let tiny: Vec<u16> = TINY.iter().map(|b| u16::from(*b)).collect();
    // A zero is written with 32 zeros too (a float array's element, -0): all zeros do not count.
    let nonzero_digits =
        |from: usize| units[from..].iter().take_while(|u| is_digit(**u)).any(|u| *u != u16::from(b'0'));
    units
        .windows(tiny.len())
        .enumerate()
        .filter(|(at, window)| *window == tiny.as_slice() && (*at == 0 || !is_digit(units[at - 1])))
        .filter(|(at, _)| nonzero_digits(at + tiny.len()))
        .count()
}

#[cfg(test)]
mod tests {
    use super::uncarried;

    fn utf16(text: &str) -> Vec<u8> {
        text.encode_utf16().flat_map(u16::to_le_bytes).collect()
    }

    #[test]
    fn counts_the_numbers_the_text_cannot_carry() {
        let text = "{a:0.00000000000000000001234567890123, b:-0.00000000000000000000000000000000, \
                    c:10.00000000000000000000000000000000, d:0.10000000000000000555111512312578, e:0, f:-0}";
        assert_eq!(uncarried(&utf16(text)), 1);
        // 1e-14 is written below it; the next number up is not.
        assert_eq!(uncarried(&utf16("{x:0.00000000000000999999999999999999}")), 1);
        assert_eq!(uncarried(&utf16("{x:0.00000000000001000000000000000000}")), 0);
    }
}
