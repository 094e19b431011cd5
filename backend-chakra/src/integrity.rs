//! Frozen and sealed objects with elements across a TTD snapshot.
//!
//! TTD inflates an array, or an object with index keys, frozen or sealed by the engine's
//! own `Object.freeze`/`Object.seal` with writable, configurable elements. So a recorder
//! runs [`ARRAY_INTEGRITY`] before any setup script (the freezing is done by the
//! specification's own steps, which TTD keeps for arrays, and remembered for other
//! objects), and an inflated runtime runs [`REAPPLY_INTEGRITY`] (the remembered objects get
//! their elements' attributes back).

/// TTD inflates an array (or an object with index keys) frozen or sealed by the engine's own
/// `Object.freeze`/`Object.seal` with writable, configurable elements (still not
/// extensible), while one whose attributes were set property by property comes back as it
/// was. So while a setup is recorded, `Object.freeze` and `Object.seal` treat those by the
/// specification's own steps (SetIntegrityLevel: prevent extensions, then one
/// `defineProperty` per own key) and anything else natively. Returns the function that puts the engine's own functions back,
/// which `capture` calls before the snapshot is taken.
pub(crate) const ARRAY_INTEGRITY: &str = r#"(function (O, R) {
  var nativeFreeze = O.freeze, nativeSeal = O.seal, isArray = Array.isArray;
  var defineProperty = R.defineProperty, describe = R.getOwnPropertyDescriptor;
  var ownKeys = R.ownKeys, preventExtensions = R.preventExtensions, apply = R.apply;
  var hasOwn = O.prototype.hasOwnProperty, isView = ArrayBuffer.isView;
  // Descriptors without a prototype: a setup that adds `get` or `value` to Object.prototype
  // must not change what is defined.
  function define(o, key, descriptor) {
    if (!defineProperty(o, key, descriptor)) throw new TypeError('Cannot redefine property: ' + String(key));
  }
  function setIntegrityLevel(o, frozen) {
    if (!preventExtensions(o)) throw new TypeError('Cannot prevent extensions of the array');
    var keys = ownKeys(o);
    for (var i = 0; i < keys.length; i++) {
      if (!frozen) { define(o, keys[i], { __proto__: null, configurable: false }); continue; }
      var d = describe(o, keys[i]);
      if (d === undefined) continue;
      var accessor = apply(hasOwn, d, ['get']) || apply(hasOwn, d, ['set']);
      define(o, keys[i], accessor ? { __proto__: null, configurable: false }
                                  : { __proto__: null, configurable: false, writable: false });
    }
    return o;
  }
  // Arrays, and ordinary objects with index keys (kept in the same element storage).
  function affected(o) {
    if (isArray(o)) return true;
    if (typeof o !== 'object' || o === null || isView(o)) return false;
    var keys = ownKeys(o);
    for (var i = 0; i < keys.length; i++) {
      if (typeof keys[i] === 'string' && String(keys[i] >>> 0) === keys[i] && keys[i] !== '4294967295') return true;
    }
    return false;
  }
  // Ordinary objects with index keys lose their elements' attributes in inflation even so
  // (arrays keep them): they are remembered here, and the inflated runtime applies the same
  // steps again (`__polysnap_integrity`, see `REAPPLY_INTEGRITY`).
  var remembered = [];
  function level(o, frozen) {
    if (!isArray(o)) remembered[remembered.length] = [o, frozen];
    return setIntegrityLevel(o, frozen);
  }
  defineProperty(this, '__polysnap_integrity', { __proto__: null, value: function () {
    for (var i = 0; i < remembered.length; i++) setIntegrityLevel(remembered[i][0], remembered[i][1]);
  } });
  var freeze = { freeze(o) { return affected(o) ? level(o, true) : nativeFreeze(o); } }.freeze;
  var seal = { seal(o) { return affected(o) ? level(o, false) : nativeSeal(o); } }.seal;
  O.freeze = freeze;
  O.seal = seal;
  __polysnap_stand_ins.add(freeze);
  __polysnap_stand_ins.add(seal);
  // Puts the engine's functions back where ours still are (a setup that replaced them, or
  // froze Object, keeps what it made; ours go on freezing arrays correctly there).
  return function () {
    if (O.freeze === freeze) defineProperty(O, 'freeze', { __proto__: null, value: nativeFreeze });
    if (O.seal === seal) defineProperty(O, 'seal', { __proto__: null, value: nativeSeal });
  };
}).call(this, Object, Reflect)"#;

/// Run in an inflated runtime: gives the objects frozen or sealed while recording (see
/// [`ARRAY_INTEGRITY`]) their elements' attributes back.
pub(crate) const REAPPLY_INTEGRITY: &str =
    "typeof __polysnap_integrity === 'function' && (__polysnap_integrity(), true)";
