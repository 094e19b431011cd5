// polysnap backend-v8 shim: a small extern "C" surface over V8 10.2's C++ API.
//
// Rules of this file:
//  * Every exported function is named `polysnap__Concept__Operation` (Buf, Platform, Blob,
//    Builder: the snapshot-making isolate, Runtime: a restored or fresh one) or, for a thin
//    wrapper of one V8 method, `v8__Class__Method`; each takes and returns plain C types and
//    opaque pointers, and never lets a C++ exception or a V8 exception cross the boundary:
//    JS exceptions are caught with v8::TryCatch and returned as an error buffer, C++
//    exceptions with try/catch.
//  * No exported function leaves the isolate entered; each call enters with
//    Isolate::Scope, so several isolates can be interleaved on one thread.
//  * Values cross the boundary in one byte encoding (see "Value encoding" below), which the
//    Rust side (src/convert.rs) mirrors.
//
// External references.  Every isolate state (`PsState`) owns an external-reference table
//   [ &Dispatch, &slots[0], &slots[1], ..., &slots[n-1], 0 ]
// Each native is a FunctionTemplate whose callback is `Dispatch` and whose data is a
// v8::External holding &slots[i].  When a context is serialized, V8 encodes both pointers
// as indices into the table; on restore it maps the indices through the new table, so the
// External of native i points at slot i of the restoring state, which names native i.

#include <atomic>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <unistd.h>
#include <exception>
#include <map>
#include <memory>
#include <mutex>
#include <new>
#include <string>
#include <vector>

#include "libplatform/libplatform.h"
#include "v8.h"
#include "v8-snapshot.h"
#include "v8-version.h"

namespace {

// ---------------------------------------------------------------------------------------
// Output buffer.

struct PsBuf {
  std::string bytes;
};

void PutU8(std::string& out, uint8_t v) { out.push_back(static_cast<char>(v)); }
void PutU32(std::string& out, uint32_t v) {
  char b[4];
  for (int i = 0; i < 4; i++) b[i] = static_cast<char>((v >> (8 * i)) & 0xff);
  out.append(b, 4);
}
void PutU64(std::string& out, uint64_t v) {
  char b[8];
  for (int i = 0; i < 8; i++) b[i] = static_cast<char>((v >> (8 * i)) & 0xff);
  out.append(b, 8);
}
void PutF64(std::string& out, double d) {
  uint64_t v;
  std::memcpy(&v, &d, 8);
  PutU64(out, v);
}
void PutStr(std::string& out, const std::string& s) {
  PutU32(out, static_cast<uint32_t>(s.size()));
  out.append(s);
}

// Status codes shared with src/ffi.rs.
constexpr int kOk = 0;
constexpr int kJsError = 1;        // buffer: str message, str stack, str location
constexpr int kInternalError = 2;  // buffer: UTF-8 message

// Value encoding tags shared with src/convert.rs.
enum Tag : uint8_t {
  kUndefined = 0,
  kNull = 1,
  kFalse = 2,
  kTrue = 3,
  kNumber = 4,   // f64 LE
  kString = 5,   // u32 len, UTF-8
  kBytes = 6,    // u32 len, bytes
  kArray = 7,    // u32 n, n values
  kObject = 8,   // u32 n, n x (u32 len key, value)
  kHandle = 9,   // u64: an opaque handle (PsState::handles)
  kWrapped = 10, // u64 type hash, u64 handle (a wrapped object, see "Wrapped objects")
};

constexpr int kMaxDepth = 64;

// ---------------------------------------------------------------------------------------
// Platform.

std::once_flag g_platform_once;
v8::Platform* g_platform = nullptr;

void InitPlatform() {
  std::call_once(g_platform_once, [] {
    g_platform = v8::platform::NewDefaultPlatform().release();
    v8::V8::InitializePlatform(g_platform);
    // V8's adler32 pass over every restored blob (5-9% of a warm typescript restore) is
    // turned off: nothing reaches V8 that polysnap has not checked itself. A startup blob
    // passes the container's per-section xxh3 and then its envelope's own xxh3 (which a
    // container resealed over damaged bytes cannot pass); a code cache passes its
    // envelope's build, source and payload checksums (src/code_cache.rs). The flag also
    // stops V8 checksumming code caches, so a cache handed to V8 without its envelope would
    // run damaged bytes: only `run_with_v8_cache`, private to the crate, can do that.
    v8::V8::SetFlagsFromString("--no-verify-snapshot-checksum");
    v8::V8::Initialize();
  });
}

// ---------------------------------------------------------------------------------------
// Isolate state.

using PsDispatchFn = int (*)(void* ctx, uint32_t index, const uint8_t* args, size_t args_len,
                             PsBuf* out);

struct PsState;

// The host's answer to `import(specifier)` from the script or module named `referrer`: the
// id of the module (compiled and linked by the host through polysnap__Module__Compile and
// polysnap__Module__Link, or one already in PsState::modules), or an error text in `out`.
using PsImportFn = int (*)(void* ctx, PsState* st, const char* specifier, size_t specifier_len,
                           const char* referrer, size_t referrer_len, uint32_t* id, PsBuf* out);

struct Slot {
  PsState* owner;
  uint32_t index;
};

// Builders: what setup changed in one context that must be undone before it is
// serialized (see PrepareBuilderContext and GuardUnserializable).
struct Guards {
  // The context's intrinsic Error function, holding Error.stackTraceLimit during setup.
  v8::Global<v8::Object> error_ctor;
  // Properties replaced by throwing stubs during setup.
  struct Guarded {
    v8::Global<v8::Object> holder;
    v8::Global<v8::String> key;
    v8::Global<v8::Value> original;
  };
  std::vector<Guarded> guarded;

  void Reset() {
    error_ctor.Reset();
    guarded.clear();
  }
};

// A named context: builders make them (NewContext, or AdoptContexts in a warm pass) and
// add them with SnapshotCreator::AddContext in this order; runtimes deserialize them lazily
// with Context::FromSnapshot (an empty handle = not materialized yet).
struct NamedContext {
  v8::Global<v8::Context> context;
  Guards guards;  // builders only

  void Reset() {
    guards.Reset();
    context.Reset();
  }
};

// Which context scripts run in: the default one or a named one (index into `named`).
constexpr int64_t kDefaultContext = -1;

// An ES module of the default context (see "ES modules"): compiled and linked by the host
// (builders and runtimes), or taken back from a snapshot's data by a runtime. Its id is its
// index in PsState::modules.
struct ModuleEntry {
  v8::Global<v8::Module> module;
  std::string url;              // its import.meta.url
  std::vector<uint32_t> links;  // the module id of each of its requests, in order (compiled ones)
};

// The isolate data slot that holds the isolate's PsState (for V8's module callbacks).
constexpr uint32_t kStateSlot = 0;

struct PsState {
  v8::SnapshotCreator* creator = nullptr;  // set for builders
  v8::Isolate* isolate = nullptr;
  v8::ArrayBuffer::Allocator* allocator = nullptr;  // owned, for runtimes
  v8::Global<v8::Context> context;  // the default context
  Guards guards;                    // builders: of the default context
  std::vector<NamedContext> named;
  int64_t current = kDefaultContext;  // runtimes: where RunScript runs
  std::unique_ptr<Slot[]> slots;
  uint32_t slot_count = 0;
  std::vector<intptr_t> refs;
  // The natives' names (count x (u32 len, UTF-8)) from `names_from` on, for contexts made
  // later: builders' named contexts (all natives), restored runtimes' named contexts (the
  // natives the blob's table lacks).
  std::string native_names;
  uint32_t names_from = 0;
  PsDispatchFn dispatch = nullptr;
  void* dispatch_ctx = nullptr;
  v8::StartupData startup{nullptr, 0};       // restored runtimes: points at Rust memory
  v8::StartupData existing_blob{nullptr, 0}; // warm builders: copy of the cold blob
  bool built = false;
  // The template of wrapped objects (see "Wrapped objects"), made on first use. Reset with
  // the contexts: no global handle may be alive at CreateBlob.
  v8::Global<v8::ObjectTemplate> wrap_template;
  // Runtimes: scripts kept for a later code cache (polysnap__Runtime__RunKeepingScript),
  // by process-unique id.
  std::vector<std::pair<uint64_t, v8::Global<v8::UnboundScript>>> kept_scripts;
  // Opaque handles (HostValue::Handle): engine values the host holds by number. Those made
  // for a native call's arguments are released when it returns (ReleaseHandlesFrom); the
  // others live until ReleaseHandles, ResetContexts or Dispose.
  std::map<uint64_t, v8::Global<v8::Value>> handles;
  uint64_t next_handle = 1;
  // ES modules of the default context, by id.
  std::vector<ModuleEntry> modules;
  // Runtimes: the host's answer to `import()` (see ImportDynamically); null until set.
  PsImportFn import_fn = nullptr;
  void* import_ctx = nullptr;

  uint64_t KeepHandle(v8::Local<v8::Value> v) {
    uint64_t id = next_handle++;
    handles.emplace(id, v8::Global<v8::Value>(isolate, v));
    return id;
  }
  void ReleaseHandlesFrom(uint64_t mark) { handles.erase(handles.lower_bound(mark), handles.end()); }

  // Drops every global handle of contexts (none may be alive at CreateBlob or Dispose).
  void ResetContexts() {
    handles.clear();
    kept_scripts.clear();
    modules.clear();
    guards.Reset();
    for (auto& n : named) n.Reset();
    named.clear();
    context.Reset();
    wrap_template.Reset();
  }
};

void Dispatch(const v8::FunctionCallbackInfo<v8::Value>& info);
void ThrowDuringSetup(const v8::FunctionCallbackInfo<v8::Value>& info);

// The table layout is [Dispatch, ThrowDuringSetup, slots..., 0] for every state, builder or
// runtime, so that a stub captured by setup code still resolves after restore.
void InitSlots(PsState* st, uint32_t count) {
  st->slot_count = count;
  st->slots.reset(new Slot[count == 0 ? 1 : count]);
  st->refs.clear();
  st->refs.reserve(count + 3);
  st->refs.push_back(reinterpret_cast<intptr_t>(&Dispatch));
  st->refs.push_back(reinterpret_cast<intptr_t>(&ThrowDuringSetup));
  for (uint32_t i = 0; i < count; i++) {
    st->slots[i].owner = st;
    st->slots[i].index = i;
    st->refs.push_back(reinterpret_cast<intptr_t>(&st->slots[i]));
  }
  st->refs.push_back(0);
}

// ---------------------------------------------------------------------------------------
// Wrapped objects (HostValue::Wrapped, ObjectWrap).
//
// A native that returns Wrapped { type, handle } gives JavaScript a new instance of the
// state's wrap template: an ordinary extensible object (prototype Object.prototype) with
// kWrapFieldCount internal fields, which scripts can neither see nor write:
//
//   field 0   aligned pointer &kWrapTag: "made by polysnap" (no other object in our isolates
//             has 5 internal fields; ArrayBuffers and views have 2)
//   field 1   type hash bits  0..31, shifted left by one   (an aligned "pointer": bit 0 = 0)
//   field 2   type hash bits 32..63, shifted left by one
//   field 3   handle    bits  0..31, shifted left by one
//   field 4   handle    bits 32..63, shifted left by one
//
// Aligned pointers (bit 0 clear) are what V8 lets an embedder keep in internal fields
// without the GC looking at them; a u64 does not fit one (its bit 0 may be set), hence the
// halves. The fields are the whole state: nothing to free, no handle to keep, any number of
// objects.
//
// Snapshots. ContextSerializer (V8 10.2) calls the SerializeInternalFieldsCallback for every
// internal field that does not hold a heap object, of every JSObject with internal fields
// (ours, but also ArrayBuffers, typed arrays and DataViews); with no callback it calls a
// null function pointer for any non-zero field, so every SetDefaultContext/AddContext here
// passes SerializeWrapFields. For field 0 of our objects it returns a kWrapRecordSize-byte
// record (u64 LE each: kWrapMagic, type hash, handle); V8 then zeroes that field in the blob
// (a process address has no business there) and stores the record beside the object. For
// every other field, and every object that is not ours, it returns no data: V8 copies the
// word as it is (the halves are plain integers; foreign objects keep V8's default).
// Restoring (Context::New for the default context, Context::FromSnapshot for named ones, in
// runtimes and in the warm pass alike) passes DeserializeWrapFields, which V8 calls once per
// record after the context is deserialized: it checks the record and rewrites all five
// fields, the tag with this process's &kWrapTag. A record that does not check out is ignored:
// the object keeps a null tag and converts as a plain object from then on.

constexpr int kWrapFieldCount = 5;
constexpr int kWrapTagField = 0;
constexpr int kWrapRecordSize = 24;
constexpr uint64_t kWrapMagic = 0x0031504152575350ull;  // "PSWRAP1\0" little-endian
alignas(8) char kWrapTag[8] = {'p', 's', '-', 'w', 'r', 'a', 'p', 0};

void* WrapHalf(uint64_t v, int high) {
  uint64_t half = high ? (v >> 32) : (v & 0xffffffffull);
  return reinterpret_cast<void*>(static_cast<uintptr_t>(half << 1));
}
uint64_t UnwrapHalf(void* p) { return static_cast<uint64_t>(reinterpret_cast<uintptr_t>(p)) >> 1; }

// Writes the five fields of a wrap-template instance. No allocation: safe inside V8's
// deserialize callback.
void WriteWrapFields(v8::Local<v8::Object> obj, uint64_t type, uint64_t handle) {
  obj->SetAlignedPointerInInternalField(kWrapTagField, kWrapTag);
  obj->SetAlignedPointerInInternalField(1, WrapHalf(type, 0));
  obj->SetAlignedPointerInInternalField(2, WrapHalf(type, 1));
  obj->SetAlignedPointerInInternalField(3, WrapHalf(handle, 0));
  obj->SetAlignedPointerInInternalField(4, WrapHalf(handle, 1));
}

// Whether `obj` is one of our wrapped objects; if so, reads its type hash and handle.
// Reads no field of an object with another field count (GetAlignedPointerFromInternalField
// aborts the process on a field holding a heap object; only the wrap template makes objects
// with kWrapFieldCount fields in isolates of this shim, and it sets them all at once).
bool ReadWrapFields(v8::Local<v8::Object> obj, uint64_t* type, uint64_t* handle) {
  if (obj->InternalFieldCount() != kWrapFieldCount) return false;
  if (obj->GetAlignedPointerFromInternalField(kWrapTagField) != kWrapTag) return false;
  *type = UnwrapHalf(obj->GetAlignedPointerFromInternalField(1)) |
          (UnwrapHalf(obj->GetAlignedPointerFromInternalField(2)) << 32);
  *handle = UnwrapHalf(obj->GetAlignedPointerFromInternalField(3)) |
            (UnwrapHalf(obj->GetAlignedPointerFromInternalField(4)) << 32);
  return true;
}

void PutU64At(char* out, uint64_t v) {
  for (int i = 0; i < 8; i++) out[i] = static_cast<char>((v >> (8 * i)) & 0xff);
}
uint64_t GetU64At(const char* p) {
  uint64_t v = 0;
  for (int i = 0; i < 8; i++) v |= static_cast<uint64_t>(static_cast<uint8_t>(p[i])) << (8 * i);
  return v;
}

// V8's SerializeInternalFieldsCallback (see above). V8 frees the data with delete[].
v8::StartupData SerializeWrapFields(v8::Local<v8::Object> holder, int index, void* /*data*/) {
  v8::StartupData none{nullptr, 0};
  try {
    uint64_t type = 0, handle = 0;
    if (index != kWrapTagField || !ReadWrapFields(holder, &type, &handle)) return none;
    char* bytes = new (std::nothrow) char[kWrapRecordSize];
    if (bytes == nullptr) return none;  // the object comes back plain; nothing better to do here
    PutU64At(bytes, kWrapMagic);
    PutU64At(bytes + 8, type);
    PutU64At(bytes + 16, handle);
    return v8::StartupData{bytes, kWrapRecordSize};
  } catch (...) {
    return none;
  }
}

// V8's DeserializeInternalFieldsCallback (see above). Runs with GC and JavaScript
// disallowed: only reads the record and writes raw fields.
void DeserializeWrapFields(v8::Local<v8::Object> holder, int index, v8::StartupData payload,
                           void* /*data*/) {
  if (index != kWrapTagField || payload.data == nullptr || payload.raw_size != kWrapRecordSize ||
      holder->InternalFieldCount() != kWrapFieldCount || GetU64At(payload.data) != kWrapMagic) {
    return;
  }
  WriteWrapFields(holder, GetU64At(payload.data + 8), GetU64At(payload.data + 16));
}

v8::SerializeInternalFieldsCallback WrapSerializer() {
  return v8::SerializeInternalFieldsCallback(SerializeWrapFields, nullptr);
}
v8::DeserializeInternalFieldsCallback WrapDeserializer() {
  return v8::DeserializeInternalFieldsCallback(DeserializeWrapFields, nullptr);
}

// Context::New with the wrap deserializer: a context made from a snapshot (restored
// runtimes, warm-pass creators) gets its wrapped objects' fields back.
v8::Local<v8::Context> NewContext(v8::Isolate* isolate) {
  return v8::Context::New(isolate, nullptr, v8::MaybeLocal<v8::ObjectTemplate>(),
                          v8::MaybeLocal<v8::Value>(), WrapDeserializer());
}

// A new wrapped object in `ctx`. False (no exception pending) when V8 cannot make one.
bool NewWrapped(PsState* st, v8::Local<v8::Context> ctx, uint64_t type, uint64_t handle,
                v8::Local<v8::Object>* out) {
  v8::Isolate* isolate = st->isolate;
  v8::TryCatch tc(isolate);
  if (st->wrap_template.IsEmpty()) {
    v8::Local<v8::ObjectTemplate> t = v8::ObjectTemplate::New(isolate);
    t->SetInternalFieldCount(kWrapFieldCount);
    st->wrap_template.Reset(isolate, t);
  }
  v8::Local<v8::Object> obj;
  if (!st->wrap_template.Get(isolate)->NewInstance(ctx).ToLocal(&obj)) return false;
  // The template's hidden constructor gives instances a prototype object of their own;
  // wrapped objects are ordinary objects: %Object.prototype% of this context (taken from a
  // fresh object, so a script that replaced globalThis.Object changes nothing).
  v8::Local<v8::Value> proto = v8::Object::New(isolate)->GetPrototype();
  if (!obj->SetPrototype(ctx, proto).FromMaybe(false)) return false;
  WriteWrapFields(obj, type, handle);
  *out = obj;
  return true;
}

// ---------------------------------------------------------------------------------------
// Strings.

std::string ToUtf8(v8::Isolate* isolate, v8::Local<v8::String> s) {
  int len = s->Utf8Length(isolate);
  std::string out(static_cast<size_t>(len), '\0');
  if (len > 0) {
    s->WriteUtf8(isolate, &out[0], len, nullptr,
                 v8::String::NO_NULL_TERMINATION | v8::String::REPLACE_INVALID_UTF8);
  }
  return out;
}

// String(value), without letting an exception escape.
std::string Describe(v8::Isolate* isolate, v8::Local<v8::Context> ctx, v8::Local<v8::Value> v) {
  v8::TryCatch tc(isolate);
  if (v->IsSymbol()) {
    v8::Local<v8::Value> d = v.As<v8::Symbol>()->Description(isolate);
    std::string desc = d->IsString() ? ToUtf8(isolate, d.As<v8::String>()) : "";
    return "Symbol(" + desc + ")";
  }
  v8::Local<v8::String> s;
  if (!v->ToString(ctx).ToLocal(&s)) return "<value not convertible to a string>";
  return ToUtf8(isolate, s);
}

bool MakeString(v8::Isolate* isolate, const char* p, size_t n, v8::Local<v8::String>* out) {
  if (n > static_cast<size_t>(v8::String::kMaxLength)) return false;
  return v8::String::NewFromUtf8(isolate, p, v8::NewStringType::kNormal, static_cast<int>(n))
      .ToLocal(out);
}

// Why the running script was terminated, when the shim terminated it (heap limit).
thread_local std::string g_termination_reason;

// V8's default heap limit (~1.4 GB here) aborts the whole process when a script needs more
// ("Fatal javascript OOM"). This callback, registered on every isolate, raises the limit
// step by step up to half of the machine's memory; past that it terminates the script,
// which then fails with a JS error saying so, and grants a little room to unwind.
size_t NearHeapLimit(void* data, size_t current_limit, size_t /*initial_limit*/) {
  v8::Isolate* isolate = static_cast<v8::Isolate*>(data);
  static const size_t cap = [] {
    // POLYSNAP_V8_HEAP_LIMIT_MB overrides the cap (tests use it to reach it quickly).
    if (const char* mb = std::getenv("POLYSNAP_V8_HEAP_LIMIT_MB")) {
      long long value = std::atoll(mb);
      if (value > 0) return static_cast<size_t>(value) << 20;
    }
    long pages = sysconf(_SC_PHYS_PAGES);
    long page = sysconf(_SC_PAGESIZE);
    size_t memory = (pages > 0 && page > 0) ? static_cast<size_t>(pages) * static_cast<size_t>(page)
                                            : static_cast<size_t>(4) << 30;
    return memory / 2;
  }();
  if (current_limit < cap) {
    size_t raised = current_limit * 2;
    return raised < cap ? raised : cap;
  }
  g_termination_reason = "out of memory: the JavaScript heap reached " + std::to_string(current_limit >> 20) +
                         " MB, polysnap's limit (half of this machine's memory, or POLYSNAP_V8_HEAP_LIMIT_MB); "
                         "the script was stopped "
                         "instead of letting V8 abort the process: reduce what the script keeps alive";
  isolate->TerminateExecution();
  return current_limit + (static_cast<size_t>(256) << 20);
}

// Registers NearHeapLimit on a new isolate.
void GuardHeapLimit(v8::Isolate* isolate) { isolate->AddNearHeapLimitCallback(NearHeapLimit, isolate); }

// Fills `out` (kJsError layout) from a caught exception.
void EncodeJsError(v8::Isolate* isolate, v8::Local<v8::Context> ctx, v8::TryCatch& tc,
                   std::string& out) {
  out.clear();
  std::string message = "<unknown exception>";
  std::string stack;
  std::string location;
  if (tc.HasTerminated()) {
    message = g_termination_reason.empty() ? "execution terminated" : g_termination_reason;
    g_termination_reason.clear();
    isolate->CancelTerminateExecution();
  } else if (tc.HasCaught()) {
    v8::Local<v8::Value> exc = tc.Exception();
    message = Describe(isolate, ctx, exc);
    v8::Local<v8::Value> st;
    {
      v8::TryCatch inner(isolate);
      if (tc.StackTrace(ctx).ToLocal(&st) && st->IsString()) {
        stack = ToUtf8(isolate, st.As<v8::String>());
      }
    }
    v8::Local<v8::Message> msg = tc.Message();
    if (!msg.IsEmpty()) {
      v8::Local<v8::Value> res = msg->GetScriptResourceName();
      std::string file = res->IsString() ? ToUtf8(isolate, res.As<v8::String>()) : "<unknown>";
      int line = msg->GetLineNumber(ctx).FromMaybe(0);
      int col = msg->GetStartColumn(ctx).FromMaybe(-1) + 1;
      location = file + ":" + std::to_string(line) + ":" + std::to_string(col);
    }
  }
  PutStr(out, message);
  PutStr(out, stack);
  PutStr(out, location);
}

// ---------------------------------------------------------------------------------------
// JS -> bytes.

struct Encoder {
  PsState* st;  // keeps the opaque handles
  v8::Isolate* isolate;
  v8::Local<v8::Context> ctx;
  std::string& out;
  std::vector<v8::Local<v8::Object>> path;  // ancestors, for cycle detection

  bool PutHandle(v8::Local<v8::Value> v) {
    PutU8(out, kHandle);
    PutU64(out, st->KeepHandle(v));
    return true;
  }

  // Plain: an object whose prototype is the context's Object.prototype or null.
  bool IsPlain(v8::Local<v8::Object> obj) {
    v8::Local<v8::Value> proto = obj->GetPrototype();
    if (proto->IsNull()) return true;
    if (object_proto.IsEmpty()) {
      // The intrinsic, looked up once per conversion (a script may have replaced the
      // global `Object`, which must not change what counts as plain).
      v8::Local<v8::Object> probe = v8::Object::New(isolate);
      object_proto = probe->GetPrototype();
    }
    return proto->StrictEquals(object_proto);
  }
  v8::Local<v8::Value> object_proto;  // the context's Object.prototype, once looked up

  bool PutDescription(const std::string& s) {
    PutU8(out, kString);
    PutStr(out, s);
    return true;
  }

  // Returns false with a JS exception pending in the caller's TryCatch.
  bool Encode(v8::Local<v8::Value> v, int depth) {
    if (v->IsUndefined()) { PutU8(out, kUndefined); return true; }
    if (v->IsNull()) { PutU8(out, kNull); return true; }
    if (v->IsTrue()) { PutU8(out, kTrue); return true; }
    if (v->IsFalse()) { PutU8(out, kFalse); return true; }
    if (v->IsNumber()) {
      PutU8(out, kNumber);
      PutF64(out, v.As<v8::Number>()->Value());
      return true;
    }
    if (v->IsString()) {
      PutU8(out, kString);
      PutStr(out, ToUtf8(isolate, v.As<v8::String>()));
      return true;
    }
    if (!v->IsObject()) return PutHandle(v);  // symbols, bigints

    uint64_t wrap_type = 0, wrap_handle = 0;
    if (ReadWrapFields(v.As<v8::Object>(), &wrap_type, &wrap_handle)) {
      PutU8(out, kWrapped);
      PutU64(out, wrap_type);
      PutU64(out, wrap_handle);
      return true;
    }
    if (v->IsArrayBuffer()) {
      auto ab = v.As<v8::ArrayBuffer>();
      PutU8(out, kBytes);
      size_t n = ab->ByteLength();
      PutU32(out, static_cast<uint32_t>(n));
      if (n > 0) out.append(static_cast<const char*>(ab->GetBackingStore()->Data()), n);
      return true;
    }
    if (v->IsSharedArrayBuffer()) {
      auto ab = v.As<v8::SharedArrayBuffer>();
      PutU8(out, kBytes);
      size_t n = ab->ByteLength();
      PutU32(out, static_cast<uint32_t>(n));
      if (n > 0) out.append(static_cast<const char*>(ab->GetBackingStore()->Data()), n);
      return true;
    }
    if (v->IsArrayBufferView()) {
      auto view = v.As<v8::ArrayBufferView>();
      size_t n = view->ByteLength();
      std::string tmp(n, '\0');
      if (n > 0) n = view->CopyContents(&tmp[0], n);
      PutU8(out, kBytes);
      PutU32(out, static_cast<uint32_t>(n));
      out.append(tmp.data(), n);
      return true;
    }
    // Arrays element by element, errors as {name, message, stack}, plain objects as their
    // own enumerable string-keyed properties; any other object (functions, class
    // instances, Map, Date, ...) and any object met again on the way down (a cycle) or too
    // deep is an opaque handle, as in backend-chakra.
    auto obj = v.As<v8::Object>();
    for (auto& anc : path) {
      if (anc == obj) return PutHandle(v);
    }
    if (depth >= kMaxDepth) return PutHandle(v);
    bool structured = v->IsArray() || v->IsNativeError() || (!v->IsFunction() && !v->IsProxy() && IsPlain(obj));
    if (!structured) return PutHandle(v);
    path.push_back(obj);
    bool ok = v->IsArray() ? EncodeArray(v.As<v8::Array>(), depth)
              : v->IsNativeError() ? EncodeError(obj, depth)
                                   : EncodeObject(obj, depth);
    path.pop_back();
    return ok;
  }

  bool EncodeError(v8::Local<v8::Object> err, int depth) {
    const char* names[] = {"name", "message", "stack"};
    std::vector<std::pair<const char*, v8::Local<v8::Value>>> fields;
    for (const char* name : names) {
      v8::Local<v8::Value> item;
      if (!err->Get(ctx, v8::String::NewFromUtf8(isolate, name).ToLocalChecked()).ToLocal(&item)) return false;
      if (!item->IsUndefined()) fields.emplace_back(name, item);
    }
    PutU8(out, kObject);
    PutU32(out, static_cast<uint32_t>(fields.size()));
    for (auto& field : fields) {
      PutStr(out, field.first);
      if (!Encode(field.second, depth + 1)) return false;
    }
    return true;
  }

  bool EncodeArray(v8::Local<v8::Array> arr, int depth) {
    uint32_t n = arr->Length();
    PutU8(out, kArray);
    PutU32(out, n);
    for (uint32_t i = 0; i < n; i++) {
      v8::Local<v8::Value> item;
      if (!arr->Get(ctx, i).ToLocal(&item)) return false;
      if (!Encode(item, depth + 1)) return false;
    }
    return true;
  }

  bool EncodeObject(v8::Local<v8::Object> obj, int depth) {
    v8::Local<v8::Array> keys;
    if (!obj->GetOwnPropertyNames(ctx,
                                  static_cast<v8::PropertyFilter>(v8::ONLY_ENUMERABLE |
                                                                  v8::SKIP_SYMBOLS),
                                  v8::KeyConversionMode::kConvertToString)
             .ToLocal(&keys)) {
      return false;
    }
    uint32_t n = keys->Length();
    PutU8(out, kObject);
    PutU32(out, n);
    for (uint32_t i = 0; i < n; i++) {
      v8::Local<v8::Value> key;
      if (!keys->Get(ctx, i).ToLocal(&key)) return false;
      v8::Local<v8::String> key_str;
      if (!key->ToString(ctx).ToLocal(&key_str)) return false;
      PutStr(out, ToUtf8(isolate, key_str));
      v8::Local<v8::Value> item;
      if (!obj->Get(ctx, key).ToLocal(&item)) return false;
      if (!Encode(item, depth + 1)) return false;
    }
    return true;
  }
};

// ---------------------------------------------------------------------------------------
// bytes -> JS.

struct Decoder {
  PsState* st;  // for the wrap template
  v8::Isolate* isolate;
  v8::Local<v8::Context> ctx;
  const uint8_t* p;
  const uint8_t* end;
  std::string error;  // set on failure (no JS exception pending)

  bool Need(size_t n) {
    if (static_cast<size_t>(end - p) < n) {
      error = "truncated value encoding";
      return false;
    }
    return true;
  }
  bool U32(uint32_t* v) {
    if (!Need(4)) return false;
    *v = 0;
    for (int i = 0; i < 4; i++) *v |= static_cast<uint32_t>(p[i]) << (8 * i);
    p += 4;
    return true;
  }
  bool U64(uint64_t* v) {
    if (!Need(8)) return false;
    *v = 0;
    for (int i = 0; i < 8; i++) *v |= static_cast<uint64_t>(p[i]) << (8 * i);
    p += 8;
    return true;
  }
  bool Str(v8::Local<v8::String>* s) {
    uint32_t n;
    if (!U32(&n) || !Need(n)) return false;
    if (!MakeString(isolate, reinterpret_cast<const char*>(p), n, s)) {
      error = "string too long for V8";
      return false;
    }
    p += n;
    return true;
  }

  bool Decode(v8::Local<v8::Value>* out, int depth) {
    if (depth > kMaxDepth * 4) {
      error = "value nested too deeply";
      return false;
    }
    if (!Need(1)) return false;
    uint8_t tag = *p++;
    switch (tag) {
      case kUndefined: *out = v8::Undefined(isolate); return true;
      case kNull: *out = v8::Null(isolate); return true;
      case kFalse: *out = v8::False(isolate); return true;
      case kTrue: *out = v8::True(isolate); return true;
      case kNumber: {
        uint64_t bits;
        if (!U64(&bits)) return false;
        double d;
        std::memcpy(&d, &bits, 8);
        *out = v8::Number::New(isolate, d);
        return true;
      }
      case kString: {
        v8::Local<v8::String> s;
        if (!Str(&s)) return false;
        *out = s;
        return true;
      }
      case kBytes: {
        uint32_t n;
        if (!U32(&n) || !Need(n)) return false;
        auto ab = v8::ArrayBuffer::New(isolate, n);
        if (n > 0) std::memcpy(ab->GetBackingStore()->Data(), p, n);
        p += n;
        *out = v8::Uint8Array::New(ab, 0, n);
        return true;
      }
      case kArray: {
        uint32_t n;
        if (!U32(&n)) return false;
        auto arr = v8::Array::New(isolate, 0);
        for (uint32_t i = 0; i < n; i++) {
          v8::Local<v8::Value> item;
          if (!Decode(&item, depth + 1)) return false;
          if (arr->Set(ctx, i, item).IsNothing()) {
            error = "could not store an array element";
            return false;
          }
        }
        *out = arr;
        return true;
      }
      case kObject: {
        uint32_t n;
        if (!U32(&n)) return false;
        auto obj = v8::Object::New(isolate);
        for (uint32_t i = 0; i < n; i++) {
          v8::Local<v8::String> key;
          if (!Str(&key)) return false;
          v8::Local<v8::Value> item;
          if (!Decode(&item, depth + 1)) return false;
          if (obj->CreateDataProperty(ctx, key, item).IsNothing()) {
            error = "could not store an object property";
            return false;
          }
        }
        *out = obj;
        return true;
      }
      case kHandle: {
        uint64_t id;
        if (!U64(&id)) return false;
        auto found = st->handles.find(id);
        if (found == st->handles.end()) {
          error = "HostValue::Handle " + std::to_string(id) + " names no value this runtime keeps (released, or from another runtime)";
          return false;
        }
        *out = found->second.Get(isolate);
        return true;
      }
      case kWrapped: {
        uint64_t type, handle;
        if (!U64(&type) || !U64(&handle)) return false;
        v8::Local<v8::Object> obj;
        if (!NewWrapped(st, ctx, type, handle, &obj)) {
          error = "V8 could not make a wrapped object";
          return false;
        }
        *out = obj;
        return true;
      }
      default:
        error = "unknown value tag " + std::to_string(tag);
        return false;
    }
  }
};

// ---------------------------------------------------------------------------------------
// Natives.

void ThrowError(v8::Isolate* isolate, const std::string& message, bool type_error) {
  v8::Local<v8::String> s;
  if (!MakeString(isolate, message.data(), message.size(), &s)) {
    s = v8::String::NewFromUtf8Literal(isolate, "native error (message too long)");
  }
  isolate->ThrowException(type_error ? v8::Exception::TypeError(s) : v8::Exception::Error(s));
}

void Dispatch(const v8::FunctionCallbackInfo<v8::Value>& info) {
  v8::Isolate* isolate = info.GetIsolate();
  v8::HandleScope hs(isolate);
  try {
    v8::Local<v8::Value> data = info.Data();
    if (data.IsEmpty() || !data->IsExternal()) {
      ThrowError(isolate, "polysnap native called without its slot", true);
      return;
    }
    Slot* slot = static_cast<Slot*>(data.As<v8::External>()->Value());
    PsState* st = slot->owner;
    v8::Local<v8::Context> ctx = isolate->GetCurrentContext();

    // Handles made for this call's receiver and arguments go when it returns.
    uint64_t mark = st->next_handle;
    struct ReleaseOnReturn {
      PsState* st;
      uint64_t mark;
      ~ReleaseOnReturn() { st->ReleaseHandlesFrom(mark); }
    } release{st, mark};
    std::string args;
    {
      Encoder enc{st, isolate, ctx, args, {}, {}};
      v8::Local<v8::Value> self = info.This();
      bool ok = true;
      uint64_t wrap_type = 0, wrap_handle = 0;
      if (self->IsObject() && self == ctx->Global()) {
        PutU8(args, kUndefined);  // sloppy receiver: the global proxy, not worth copying
      } else if (self->IsObject() && !ReadWrapFields(self.As<v8::Object>(), &wrap_type, &wrap_handle)) {
        ok = enc.PutHandle(self);  // an object receiver is one handle, not walked
      } else {
        ok = enc.Encode(self, 0);
      }
      PutU32(args, static_cast<uint32_t>(info.Length()));
      for (int i = 0; ok && i < info.Length(); i++) ok = enc.Encode(info[i], 0);
      if (!ok) return;  // a getter threw: let the exception propagate to the caller
    }

    PsBuf result;
    int status = st->dispatch(st->dispatch_ctx, slot->index,
                              reinterpret_cast<const uint8_t*>(args.data()), args.size(), &result);
    if (status == kOk) {
      Decoder dec{st, isolate, ctx, reinterpret_cast<const uint8_t*>(result.bytes.data()),
                  reinterpret_cast<const uint8_t*>(result.bytes.data()) + result.bytes.size(),
                  {}};
      v8::Local<v8::Value> ret;
      if (!dec.Decode(&ret, 0)) {
        ThrowError(isolate, "native returned a value JavaScript cannot hold: " + dec.error, true);
        return;
      }
      info.GetReturnValue().Set(ret);
    } else {
      ThrowError(isolate, result.bytes, false);
    }
  } catch (const std::exception& e) {
    ThrowError(isolate, std::string("polysnap native failed in C++: ") + e.what(), false);
  } catch (...) {
    ThrowError(isolate, "polysnap native failed in C++", false);
  }
}

// Installs natives [from, slot_count) on globalThis.__polysnap_natives (created,
// non-enumerable, when absent). `names` is `count` x (u32 len, UTF-8 name).
bool InstallNatives(PsState* st, v8::Local<v8::Context> ctx, uint32_t from, const uint8_t* names,
                    size_t names_len, std::string* error) {
  v8::Isolate* isolate = st->isolate;
  v8::Local<v8::Object> global = ctx->Global();
  v8::Local<v8::String> key = v8::String::NewFromUtf8Literal(isolate, "__polysnap_natives");
  v8::Local<v8::Value> holder_val;
  if (!global->Get(ctx, key).ToLocal(&holder_val)) {
    *error = "could not read globalThis.__polysnap_natives";
    return false;
  }
  v8::Local<v8::Object> holder;
  if (holder_val->IsObject()) {
    holder = holder_val.As<v8::Object>();
  } else {
    holder = v8::Object::New(isolate);
    if (global->DefineOwnProperty(ctx, key, holder, v8::DontEnum).IsNothing()) {
      *error = "could not define globalThis.__polysnap_natives";
      return false;
    }
  }
  const uint8_t* p = names;
  const uint8_t* end = names + names_len;
  for (uint32_t i = from; i < st->slot_count; i++) {
    if (end - p < 4) {
      *error = "native name list truncated";
      return false;
    }
    uint32_t n = 0;
    for (int b = 0; b < 4; b++) n |= static_cast<uint32_t>(p[b]) << (8 * b);
    p += 4;
    if (static_cast<size_t>(end - p) < n) {
      *error = "native name list truncated";
      return false;
    }
    v8::Local<v8::String> name;
    if (!MakeString(isolate, reinterpret_cast<const char*>(p), n, &name)) {
      *error = "native name too long";
      return false;
    }
    p += n;
    auto ext = v8::External::New(isolate, &st->slots[i]);
    auto tmpl = v8::FunctionTemplate::New(isolate, Dispatch, ext, v8::Local<v8::Signature>(), 0,
                                          v8::ConstructorBehavior::kThrow);
    tmpl->SetClassName(name);
    v8::Local<v8::Function> fn;
    if (!tmpl->GetFunction(ctx).ToLocal(&fn)) {
      *error = "could not instantiate a native function";
      return false;
    }
    fn->SetName(name);
    if (holder->CreateDataProperty(ctx, name, fn).IsNothing()) {
      *error = "could not store a native on __polysnap_natives";
      return false;
    }
  }
  return true;
}

// Error.stackTraceLimit.  V8 leaves it out of contexts made by a SnapshotCreator (so
// errors thrown during setup have no stack) and adds it to every context deserialized from
// a snapshot, without checking that it is already there: a snapshot whose context has
// Error.stackTraceLimit restores into a corrupt Error function (the property reads as
// the internal "uninitialized" value and cannot be deleted; measured on 10.2.154).  So
// builders define it while scripts run (stacks during setup) and remove it again before
// the context is serialized.
void GuardUnserializable(v8::Isolate* isolate, v8::Local<v8::Context> ctx, Guards* guards);

void PrepareBuilderContext(v8::Isolate* isolate, v8::Local<v8::Context> ctx, Guards* guards) {
  v8::TryCatch tc(isolate);
  guards->Reset();
  GuardUnserializable(isolate, ctx, guards);
  v8::Local<v8::Value> error;
  if (!ctx->Global()->Get(ctx, v8::String::NewFromUtf8Literal(isolate, "Error")).ToLocal(&error) ||
      !error->IsFunction()) {
    return;
  }
  auto fn = error.As<v8::Object>();
  guards->error_ctor.Reset(isolate, fn);
  bool set = fn->CreateDataProperty(ctx, v8::String::NewFromUtf8Literal(isolate, "stackTraceLimit"),
                                    v8::Integer::New(isolate, 10))
                 .FromMaybe(false);
  (void)set;  // without it, setup errors merely lack stacks
}

// Removes Error.stackTraceLimit from the intrinsic Error function and drops the handle
// (no global handle may be alive at CreateBlob). False when it cannot be removed.
bool UnguardUnserializable(v8::Isolate* isolate, v8::Local<v8::Context> ctx, Guards* guards,
                           std::string* error);

bool StripBuilderContext(v8::Isolate* isolate, v8::Local<v8::Context> ctx, Guards* guards,
                         std::string* error) {
  if (!UnguardUnserializable(isolate, ctx, guards, error)) {
    guards->error_ctor.Reset();
    return false;
  }
  if (guards->error_ctor.IsEmpty()) return true;
  v8::TryCatch tc(isolate);
  auto fn = guards->error_ctor.Get(isolate);
  guards->error_ctor.Reset();
  auto key = v8::String::NewFromUtf8Literal(isolate, "stackTraceLimit");
  bool deleted = fn->Delete(ctx, key).FromMaybe(false);
  bool still = fn->HasOwnProperty(ctx, key).FromMaybe(true);
  if (!deleted || still) {
    *error =
        "Error.stackTraceLimit cannot be removed before snapshotting (was it redefined as "
        "non-configurable or an accessor?): V8 10.2 re-adds it on restore and would corrupt "
        "the Error function; leave Error.stackTraceLimit configurable during setup";
    return false;
  }
  return true;
}

// Objects V8 10.2 cannot serialize abort the process inside CreateBlob (measured):
//  * any reachable Intl object (ICU data behind Managed<> foreign pointers: "global handle
//    not serialized");
//  * a FinalizationRegistry with a registered cell whose target died (CHECK on
//    dirty_js_finalization_registries_list).
// While a builder runs setup code, the Intl constructors and
// FinalizationRegistry.prototype.register are replaced by stubs that throw a TypeError
// explaining this; the originals are put back before the context is serialized, so
// restored contexts have the real ones.
void ThrowDuringSetup(const v8::FunctionCallbackInfo<v8::Value>& info) {
  v8::Isolate* isolate = info.GetIsolate();
  v8::Local<v8::Value> data = info.Data();
  v8::Local<v8::String> msg = data->IsString()
                                  ? data.As<v8::String>()
                                  : v8::String::NewFromUtf8Literal(isolate, "not available while building a snapshot");
  isolate->ThrowException(v8::Exception::TypeError(msg));
}

void GuardProperty(v8::Isolate* isolate, v8::Local<v8::Context> ctx, Guards* guards,
                   v8::Local<v8::Object> holder, v8::Local<v8::String> key,
                   const std::string& what, const std::string& why) {
  v8::Local<v8::Value> original;
  if (!holder->Get(ctx, key).ToLocal(&original) || !original->IsFunction()) return;
  std::string text = what + " is not available while building a V8 snapshot: " + why +
                     " (V8 10.2 would abort the process in CreateBlob); use it after restore";
  v8::Local<v8::String> msg;
  if (!MakeString(isolate, text.data(), text.size(), &msg)) return;
  auto tmpl = v8::FunctionTemplate::New(isolate, ThrowDuringSetup, msg);
  v8::Local<v8::Function> stub;
  if (!tmpl->GetFunction(ctx).ToLocal(&stub)) return;
  stub->SetName(key);
  if (!holder->DefineOwnProperty(ctx, key, stub, v8::DontEnum).FromMaybe(false)) return;
  Guards::Guarded g;
  g.holder.Reset(isolate, holder);
  g.key.Reset(isolate, key);
  g.original.Reset(isolate, original);
  guards->guarded.push_back(std::move(g));
}

void GuardUnserializable(v8::Isolate* isolate, v8::Local<v8::Context> ctx, Guards* guards) {
  v8::TryCatch tc(isolate);
  v8::Local<v8::Object> global = ctx->Global();
  v8::Local<v8::Value> intl;
  if (global->Get(ctx, v8::String::NewFromUtf8Literal(isolate, "Intl")).ToLocal(&intl) &&
      intl->IsObject()) {
    v8::Local<v8::Array> names;
    if (intl.As<v8::Object>()
            ->GetOwnPropertyNames(ctx, v8::SKIP_SYMBOLS, v8::KeyConversionMode::kConvertToString)
            .ToLocal(&names)) {
      for (uint32_t i = 0; i < names->Length(); i++) {
        v8::Local<v8::Value> name;
        if (!names->Get(ctx, i).ToLocal(&name) || !name->IsString()) continue;
        std::string n = ToUtf8(isolate, name.As<v8::String>());
        if (n.empty() || n[0] < 'A' || n[0] > 'Z') continue;  // constructors only
        GuardProperty(isolate, ctx, guards, intl.As<v8::Object>(), name.As<v8::String>(), "Intl." + n,
                      "Intl objects hold ICU data V8 cannot serialize");
      }
    }
  }
  v8::Local<v8::Value> fr;
  if (global->Get(ctx, v8::String::NewFromUtf8Literal(isolate, "FinalizationRegistry")).ToLocal(&fr) &&
      fr->IsFunction()) {
    v8::Local<v8::Value> proto;
    if (fr.As<v8::Object>()
            ->Get(ctx, v8::String::NewFromUtf8Literal(isolate, "prototype"))
            .ToLocal(&proto) &&
        proto->IsObject()) {
      GuardProperty(isolate, ctx, guards, proto.As<v8::Object>(),
                    v8::String::NewFromUtf8Literal(isolate, "register"),
                    "FinalizationRegistry.prototype.register",
                    "registered cells cannot be serialized");
    }
  }
}

// Puts the originals back (false when setup made that impossible) and drops the handles.
bool UnguardUnserializable(v8::Isolate* isolate, v8::Local<v8::Context> ctx, Guards* guards,
                           std::string* error) {
  v8::TryCatch tc(isolate);
  bool ok = true;
  for (auto& g : guards->guarded) {
    auto holder = g.holder.Get(isolate);
    auto key = g.key.Get(isolate);
    if (!holder->DefineOwnProperty(ctx, key, g.original.Get(isolate), v8::DontEnum).FromMaybe(false)) {
      ok = false;
      *error = "could not restore `" + ToUtf8(isolate, key) +
               "` before snapshotting: setup redefined it as non-configurable; leave the Intl "
               "constructors and FinalizationRegistry.prototype.register configurable";
    }
  }
  guards->guarded.clear();
  return ok;
}

void SetInternal(PsBuf* out, const std::string& msg) {
  if (out) out->bytes = msg;
}

// The context `index` names: kDefaultContext or a materialized named context; null when
// there is no such context.
v8::Global<v8::Context>* ContextAt(PsState* st, int64_t index) {
  if (index == kDefaultContext) return st->context.IsEmpty() ? nullptr : &st->context;
  if (index < 0 || static_cast<uint64_t>(index) >= st->named.size()) return nullptr;
  v8::Global<v8::Context>* c = &st->named[static_cast<size_t>(index)].context;
  return c->IsEmpty() ? nullptr : c;
}

// What RunScript does with V8's code cache (see "Code cache" below). Null: nothing.
struct CodeCacheIo {
  // Consume: the cache to compile with (kConsumeCodeCache), borrowed for the compile call
  // only; null/0 with `produce` set means produce. Not both.
  const uint8_t* consume = nullptr;
  size_t consume_len = 0;
  bool produce = false;
  // Out: whether V8 rejected `consume` (CachedData::rejected).
  bool rejected = false;
  // Out: the cache made after the run (empty when V8 cannot make one for this script).
  std::string* produced = nullptr;
  // Out, when non-null: the id under which the script is kept in `kept_scripts`.
  uint64_t* keep_id = nullptr;
};

// Ids of kept scripts, unique in the process: an id from one state names nothing in another.
std::atomic<uint64_t> g_next_script_id{1};

// V8's code cache of `script` into `out` (left empty when V8 cannot make one).
void CreateCodeCache(v8::Local<v8::UnboundScript> script, std::string* out) {
  std::unique_ptr<v8::ScriptCompiler::CachedData> data(v8::ScriptCompiler::CreateCodeCache(script));
  out->clear();
  if (data != nullptr && data->data != nullptr && data->length > 0) {
    out->assign(reinterpret_cast<const char*>(data->data), static_cast<size_t>(data->length));
  }
}

// Runs `source` as a classic script in context `index` (see ContextAt), drains microtasks,
// encodes the completion value into `out`. With `cache`, compiles with or produces V8's
// code cache as it asks.
int RunScript(PsState* st, int64_t index, const char* name, size_t name_len, const char* src,
              size_t src_len, PsBuf* out, CodeCacheIo* cache = nullptr) {
  v8::Global<v8::Context>* which = ContextAt(st, index);
  if (which == nullptr) {
    SetInternal(out, "no context at index " + std::to_string(index) + " in this isolate");
    return kInternalError;
  }
  v8::Isolate* isolate = st->isolate;
  v8::Isolate::Scope iscope(isolate);
  v8::HandleScope hs(isolate);
  v8::Local<v8::Context> ctx = which->Get(isolate);
  v8::Context::Scope cscope(ctx);
  v8::TryCatch tc(isolate);
  tc.SetVerbose(false);

  v8::Local<v8::String> name_str, src_str;
  if (!MakeString(isolate, name, name_len, &name_str) ||
      !MakeString(isolate, src, src_len, &src_str)) {
    SetInternal(out, "script or file name longer than V8's maximum string length");
    return kInternalError;
  }
  v8::ScriptOrigin origin(isolate, name_str);
  v8::Local<v8::Script> script;
  v8::Local<v8::Value> result;
  bool compiled;
  if (cache != nullptr && cache->consume != nullptr) {
    // BufferNotOwned: V8 reads the caller's bytes during this Compile call only (it copies
    // them first when they are not pointer-aligned); `source` deletes the CachedData object,
    // not the bytes, when it goes out of scope at the end of this block.
    auto* data = new v8::ScriptCompiler::CachedData(cache->consume, static_cast<int>(cache->consume_len),
                                                    v8::ScriptCompiler::CachedData::BufferNotOwned);
    v8::ScriptCompiler::Source source(src_str, origin, data);
    compiled = v8::ScriptCompiler::Compile(ctx, &source, v8::ScriptCompiler::kConsumeCodeCache)
                   .ToLocal(&script);
    cache->rejected = source.GetCachedData()->rejected;
  } else {
    v8::ScriptCompiler::Source source(src_str, origin);
    compiled = v8::ScriptCompiler::Compile(ctx, &source).ToLocal(&script);
  }
  if (!compiled || !script->Run(ctx).ToLocal(&result)) {
    EncodeJsError(isolate, ctx, tc, out->bytes);
    return kJsError;
  }
  isolate->PerformMicrotaskCheckpoint();
  if (cache != nullptr && cache->produce && cache->produced != nullptr) {
    // After the run (and its microtasks): the cache then holds the bytecode of every
    // function compiled so far, not only of the top level (V8's "after execution" cache).
    CreateCodeCache(script->GetUnboundScript(), cache->produced);
  }
  if (cache != nullptr && cache->keep_id != nullptr) {
    uint64_t id = g_next_script_id.fetch_add(1);
    st->kept_scripts.emplace_back(id, v8::Global<v8::UnboundScript>(isolate, script->GetUnboundScript()));
    *cache->keep_id = id;
  }
  out->bytes.clear();
  uint64_t mark = st->next_handle;
  Encoder enc{st, isolate, ctx, out->bytes, {}, {}};
  if (!enc.Encode(result, 0)) {
    st->ReleaseHandlesFrom(mark);  // made for a result the host never gets
    EncodeJsError(isolate, ctx, tc, out->bytes);
    return kJsError;
  }
  return kOk;
}

uint64_t Checksum(const uint8_t* p, size_t n) {
  // 64-bit multiply-xorshift over 8-byte words; fast, not cryptographic (detects damage).
  uint64_t h = 0x9E3779B97F4A7C15ull ^ static_cast<uint64_t>(n);
  size_t words = n / 8;
  for (size_t i = 0; i < words; i++) {
    uint64_t w;
    std::memcpy(&w, p + 8 * i, 8);
    h ^= w;
    h *= 0xFF51AFD7ED558CCDull;
    h ^= h >> 32;
  }
  for (size_t i = words * 8; i < n; i++) {
    h ^= p[i];
    h *= 0xC4CEB9FE1A85EC53ull;
  }
  h ^= h >> 29;
  return h;
}

#define PS_GUARD_BEGIN try {
#define PS_GUARD_END(out)                                                   \
  }                                                                         \
  catch (const std::exception& e) {                                         \
    SetInternal(out, std::string("C++ exception in backend-v8 shim: ") + e.what()); \
    return kInternalError;                                                  \
  }                                                                         \
  catch (...) {                                                             \
    SetInternal(out, "unknown C++ exception in backend-v8 shim");          \
    return kInternalError;                                                  \
  }

}  // namespace


// ---- ES modules ---------------------------------------------------------------------------
//
// The host resolves a module graph; the shim only compiles, links and evaluates what it is
// given. polysnap__Module__Compile (one module, its import specifiers back), Link (the module
// id each request resolved to, in request order), Evaluate (instantiate, with ResolveLinked
// answering V8 from those links, then evaluate and drain the microtasks so a top-level await
// settles) serve builders and runtimes alike. CreateBlob adds every module to the default
// context's snapshot data in id order (AddData); runtimes take them back in the same order
// (LoadModules) and give out a module's namespace (Namespace). `import()` goes to the host
// (ImportDynamically → PsState::import_fn), which loads what is new through the same calls;
// builders refuse it. No namespace is made before capture.

// The position of `specifier` among `referrer`'s requests, or -1.
int RequestIndex(v8::Local<v8::Context> ctx, v8::Local<v8::Module> referrer, v8::Local<v8::String> specifier) {
  v8::Local<v8::FixedArray> requests = referrer->GetModuleRequests();
  for (int i = 0; i < requests->Length(); i++) {
    v8::Local<v8::ModuleRequest> request = requests->Get(ctx, i).As<v8::ModuleRequest>();
    if (request->GetSpecifier()->StrictEquals(specifier)) return i;
  }
  return -1;
}

// V8's ResolveModuleCallback for builders: the module the host linked to this request.
v8::MaybeLocal<v8::Module> ResolveLinked(v8::Local<v8::Context> ctx, v8::Local<v8::String> specifier,
                                         v8::Local<v8::FixedArray> /*import_assertions*/,
                                         v8::Local<v8::Module> referrer) {
  v8::Isolate* isolate = ctx->GetIsolate();
  auto* st = static_cast<PsState*>(isolate->GetData(kStateSlot));
  if (st != nullptr) {
    for (const ModuleEntry& entry : st->modules) {
      if (entry.module != referrer) continue;
      int i = RequestIndex(ctx, referrer, specifier);
      if (i >= 0 && static_cast<size_t>(i) < entry.links.size() && entry.links[i] < st->modules.size()) {
        return st->modules[entry.links[i]].module.Get(isolate);
      }
      break;
    }
  }
  ThrowError(isolate, "polysnap: no module was linked for import '" + ToUtf8(isolate, specifier) + "'", false);
  return v8::MaybeLocal<v8::Module>();
}

// V8's HostInitializeImportMetaObjectCallback: `import.meta.url` is the module's URL.
void InitializeImportMeta(v8::Local<v8::Context> ctx, v8::Local<v8::Module> module, v8::Local<v8::Object> meta) {
  v8::Isolate* isolate = ctx->GetIsolate();
  auto* st = static_cast<PsState*>(isolate->GetData(kStateSlot));
  if (st == nullptr) return;
  for (const ModuleEntry& entry : st->modules) {
    if (entry.module != module) continue;
    v8::Local<v8::String> url;
    if (MakeString(isolate, entry.url.data(), entry.url.size(), &url)) {
      (void)meta->CreateDataProperty(ctx, v8::String::NewFromUtf8Literal(isolate, "url"), url).FromMaybe(false);
    }
    return;
  }
}

// A function returning its data: `evaluated.then(() => namespace)` for ImportDynamically.
void ReturnData(const v8::FunctionCallbackInfo<v8::Value>& info) { info.GetReturnValue().Set(info.Data()); }

// The promise of module `id`'s namespace: the module instantiated (its new imports answered
// by ResolveLinked) and evaluated in the default context, unless it already was (a module
// captured in the snapshot keeps its state: its top level does not run again). Empty with an
// exception thrown when instantiation fails or the module's evaluation failed before.
v8::MaybeLocal<v8::Promise> EvaluatedNamespace(PsState* st, uint32_t id) {
  v8::Isolate* isolate = st->isolate;
  v8::EscapableHandleScope hs(isolate);
  v8::Local<v8::Context> ctx = st->context.Get(isolate);
  v8::Context::Scope cscope(ctx);
  v8::Local<v8::Module> module = st->modules[id].module.Get(isolate);
  if (module->GetStatus() == v8::Module::kUninstantiated &&
      !module->InstantiateModule(ctx, ResolveLinked).FromMaybe(false)) {
    return {};
  }
  if (module->GetStatus() == v8::Module::kErrored) {
    isolate->ThrowException(module->GetException());
    return {};
  }
  v8::Local<v8::Value> ns = module->GetModuleNamespace();
  v8::Local<v8::Value> evaluated;
  if (module->GetStatus() == v8::Module::kEvaluated) {
    v8::Local<v8::Promise::Resolver> done;
    if (!v8::Promise::Resolver::New(ctx).ToLocal(&done) || done->Resolve(ctx, ns).IsNothing()) return {};
    return hs.Escape(done->GetPromise());
  }
  if (!module->Evaluate(ctx).ToLocal(&evaluated)) return {};
  v8::Local<v8::Function> give_namespace;
  v8::Local<v8::Promise> chained;
  if (!evaluated->IsPromise() || !v8::Function::New(ctx, ReturnData, ns).ToLocal(&give_namespace) ||
      !evaluated.As<v8::Promise>()->Then(ctx, give_namespace).ToLocal(&chained)) {
    if (!isolate->IsExecutionTerminating()) ThrowError(isolate, "polysnap: V8 gave no promise for a module's evaluation", false);
    return {};
  }
  return hs.Escape(chained);
}

// Why `import()` cannot load anything in `st`, or "" when it can.
std::string ImportRefusal(PsState* st) {
  if (st == nullptr) return "polysnap: this isolate has no polysnap state";
  if (st->creator != nullptr) {
    return "import() is not available while a snapshot is made: V8 10.2 cannot capture the module namespace "
           "it gives (CreateBlob ends the process); import the module statically, or call import() after restore";
  }
  if (st->import_fn == nullptr) {
    return "this runtime has no module loader, so import() cannot load anything (set one with "
           "Runtime::set_module_loader)";
  }
  return "";
}

// V8's HostImportModuleDynamicallyCallback: the host resolves and loads `specifier` for the
// script or module `resource_name` (a URL it already has is the same instance), then the
// module is instantiated and evaluated here; the promise gives its namespace. Every failure
// rejects the promise (never a crash): a refusal, the host's error, V8's exception.
v8::MaybeLocal<v8::Promise> ImportDynamically(v8::Local<v8::Context> ctx, v8::Local<v8::Data> /*options*/,
                                              v8::Local<v8::Value> resource_name, v8::Local<v8::String> specifier,
                                              v8::Local<v8::FixedArray> /*import_assertions*/) {
  v8::Isolate* isolate = ctx->GetIsolate();
  v8::EscapableHandleScope hs(isolate);
  v8::Local<v8::Promise::Resolver> resolver;
  if (!v8::Promise::Resolver::New(ctx).ToLocal(&resolver)) return {};
  auto* st = static_cast<PsState*>(isolate->GetData(kStateSlot));
  std::string spec = ToUtf8(isolate, specifier);
  std::string referrer = resource_name->IsString() ? ToUtf8(isolate, resource_name.As<v8::String>()) : "";
  v8::TryCatch tc(isolate);
  tc.SetVerbose(false);
  v8::Local<v8::Promise> loaded;
  std::string refusal = ImportRefusal(st);
  if (!refusal.empty()) {
    ThrowError(isolate, "import('" + spec + "'): " + refusal, false);
  } else {
    PsBuf error;
    uint32_t id = 0;
    int status = st->import_fn(st->import_ctx, st, spec.data(), spec.size(), referrer.data(), referrer.size(), &id,
                               &error);
    if (status != kOk) {
      ThrowError(isolate, error.bytes, false);
    } else if (id >= st->modules.size()) {
      ThrowError(isolate, "polysnap: the host answered import('" + spec + "') with no module", false);
    } else {
      (void)EvaluatedNamespace(st, id).ToLocal(&loaded);
    }
  }
  if (tc.HasTerminated()) return {};
  if (loaded.IsEmpty()) {
    v8::Local<v8::Value> exception = tc.HasCaught() ? tc.Exception() : v8::Local<v8::Value>(v8::Undefined(isolate));
    if (resolver->Reject(ctx, exception).IsNothing()) return {};
  } else if (resolver->Resolve(ctx, loaded).IsNothing()) {
    return {};
  }
  return hs.Escape(resolver->GetPromise());
}

// Lets V8's module callbacks find `st` (its modules) from the isolate.
void EnableModuleCallbacks(PsState* st) {
  st->isolate->SetData(kStateSlot, st);
  st->isolate->SetHostInitializeImportMetaObjectCallback(InitializeImportMeta);
  st->isolate->SetHostImportModuleDynamicallyCallback(ImportDynamically);
}

// Enters `st`'s default context for a module call; false (an internal error in `out`) when
// `id` names no module.
bool ModuleInRange(PsState* st, uint32_t id, PsBuf* out) {
  if (id < st->modules.size()) return true;
  SetInternal(out, "no module with id " + std::to_string(id) + " (the isolate has " +
                       std::to_string(st->modules.size()) + ")");
  return false;
}

// Settles `result` (what Module::Evaluate returned) by running the microtasks; false with
// an exception thrown when the module's evaluation failed or its top-level await is still
// waiting (for a timer or I/O, which do not run while a snapshot is made).
bool SettleEvaluation(v8::Isolate* isolate, v8::Local<v8::Module> module, v8::Local<v8::Value> result) {
  isolate->PerformMicrotaskCheckpoint();
  if (result->IsPromise()) {
    v8::Local<v8::Promise> promise = result.As<v8::Promise>();
    if (promise->State() == v8::Promise::kRejected) {
      isolate->ThrowException(promise->Result());
      return false;
    }
    if (promise->State() == v8::Promise::kPending) {
      ThrowError(isolate,
                 "the module's top-level await is still pending after every queued job ran: it waits for "
                 "something that does not happen while a snapshot is made (a timer, I/O); await only promises "
                 "that settle from the setup itself",
                 false);
      return false;
    }
  }
  if (module->GetStatus() == v8::Module::kErrored) {
    isolate->ThrowException(module->GetException());
    return false;
  }
  return true;
}

extern "C" {

// ---- buffers --------------------------------------------------------------------------

PsBuf* polysnap__Buf__New() { return new (std::nothrow) PsBuf(); }
void polysnap__Buf__Delete(PsBuf* b) { delete b; }
const uint8_t* polysnap__Buf__Data(const PsBuf* b, size_t* len) {
  *len = b->bytes.size();
  return reinterpret_cast<const uint8_t*>(b->bytes.data());
}
int polysnap__Buf__Append(PsBuf* b, const uint8_t* p, size_t n) {
  try {
    b->bytes.append(reinterpret_cast<const char*>(p), n);
    return kOk;
  } catch (...) {
    return kInternalError;
  }
}

// ---- platform and build identity --------------------------------------------------------

int polysnap__Platform__Init(PsBuf* out) {
  PS_GUARD_BEGIN
  InitPlatform();
  return kOk;
  PS_GUARD_END(out)
}

const char* v8__V8__GetVersion() { return v8::V8::GetVersion(); }

// Version, compile-time V8 layout flags that change the snapshot format, and the header
// version the shim was compiled against.
int v8__V8__BuildIdentity(PsBuf* out) {
  PS_GUARD_BEGIN
  std::string s = "v8 ";
  s += v8::V8::GetVersion();
  s += "; headers ";
  s += std::to_string(V8_MAJOR_VERSION) + "." + std::to_string(V8_MINOR_VERSION) + "." +
       std::to_string(V8_BUILD_NUMBER) + "." + std::to_string(V8_PATCH_LEVEL);
#if defined(__x86_64__)
  s += "; arch x86_64";
#elif defined(__aarch64__)
  s += "; arch aarch64";
#else
  s += "; arch other";
#endif
  s += "; ptr " + std::to_string(sizeof(void*) * 8);
#ifdef V8_COMPRESS_POINTERS
  s += "; pointer-compression on";
#else
  s += "; pointer-compression off";
#endif
#ifdef V8_31BIT_SMIS_ON_64BIT_ARCH
  s += "; smi 31";
#else
  s += "; smi " + std::to_string(v8::internal::kSmiValueSize);
#endif
#ifdef V8_SANDBOX
  s += "; sandbox on";
#else
  s += "; sandbox off";
#endif
#ifdef V8_SANDBOXED_EXTERNAL_POINTERS
  s += "; sandboxed-external-pointers on";
#else
  s += "; sandboxed-external-pointers off";
#endif
  s += "; tagged " + std::to_string(v8::internal::kApiTaggedSize);
  out->bytes = s;
  return kOk;
  PS_GUARD_END(out)
}

uint64_t polysnap__Blob__Checksum(const uint8_t* p, size_t n) { return Checksum(p, n); }

// Whether V8 accepts `p[0..n)` as a startup snapshot of this build (version check).
int v8__StartupData__IsValid(const uint8_t* p, size_t n) {
  if (n == 0 || n > static_cast<size_t>(INT32_MAX)) return 0;
  v8::StartupData d{reinterpret_cast<const char*>(p), static_cast<int>(n)};
  return d.IsValid() ? 1 : 0;
}

// ---- snapshot creator -------------------------------------------------------------------

// Creates a SnapshotCreator isolate with `count` native slots and a fresh context holding
// the natives. `existing`, when non-null, is copied and used as the base blob (warm pass).
int polysnap__Builder__New(uint32_t count, const uint8_t* names, size_t names_len,
                             PsDispatchFn dispatch, void* dispatch_ctx, const uint8_t* existing,
                             size_t existing_len, PsState** out_state, PsBuf* out) {
  PS_GUARD_BEGIN
  InitPlatform();
  std::unique_ptr<PsState> st(new PsState());
  InitSlots(st.get(), count);
  st->dispatch = dispatch;
  st->dispatch_ctx = dispatch_ctx;
  st->native_names.assign(reinterpret_cast<const char*>(names), names_len);
  st->names_from = 0;
  v8::StartupData* base = nullptr;
  if (existing != nullptr) {
    char* copy = new char[existing_len];
    std::memcpy(copy, existing, existing_len);
    st->existing_blob = v8::StartupData{copy, static_cast<int>(existing_len)};
    base = &st->existing_blob;
  }
  st->creator = new v8::SnapshotCreator(st->refs.data(), base);
  st->isolate = st->creator->GetIsolate();
  v8::Isolate* isolate = st->isolate;
  GuardHeapLimit(isolate);
  EnableModuleCallbacks(st.get());
  // The constructor entered the isolate; leave it so each call can enter with a Scope.
  isolate->Exit();
  isolate->SetMicrotasksPolicy(v8::MicrotasksPolicy::kExplicit);
  {
    v8::Isolate::Scope iscope(isolate);
    v8::HandleScope hs(isolate);
    v8::Local<v8::Context> ctx = NewContext(isolate);
    v8::Context::Scope cscope(ctx);
    st->context.Reset(isolate, ctx);
    PrepareBuilderContext(isolate, ctx, &st->guards);
    if (existing == nullptr) {
      std::string error;
      if (!InstallNatives(st.get(), ctx, 0, names, names_len, &error)) {
        out->bytes = error;
        *out_state = st.release();
        return kInternalError;  // caller deletes the state
      }
    }
  }
  *out_state = st.release();
  return kOk;
  PS_GUARD_END(out)
}

// Runs a script in the default context (`context` < 0) or in named context `context`.
int polysnap__Builder__RunScript(PsState* st, int64_t context, const char* name,
                                   size_t name_len, const char* src, size_t src_len,
                                   PsBuf* out) {
  PS_GUARD_BEGIN
  if (st->built) {
    SetInternal(out, "the snapshot creator has already made its blob");
    return kInternalError;
  }
  return RunScript(st, context < 0 ? kDefaultContext : context, name, name_len, src, src_len,
                   out);
  PS_GUARD_END(out)
}

// Compiles `source` as an ES module of the default context named by `url` and returns its
// id; `out` gets its import specifiers in request order (u32 count, then str each).
int polysnap__Module__Compile(PsState* st, const char* url, size_t url_len, const char* src,
                                     size_t src_len, uint32_t* id, PsBuf* out) {
  PS_GUARD_BEGIN
  if (st->built) {
    SetInternal(out, "the snapshot creator has already made its blob");
    return kInternalError;
  }
  v8::Isolate* isolate = st->isolate;
  v8::Isolate::Scope iscope(isolate);
  v8::HandleScope hs(isolate);
  v8::Local<v8::Context> ctx = st->context.Get(isolate);
  v8::Context::Scope cscope(ctx);
  v8::TryCatch tc(isolate);
  tc.SetVerbose(false);
  v8::Local<v8::String> url_str, src_str;
  if (!MakeString(isolate, url, url_len, &url_str) || !MakeString(isolate, src, src_len, &src_str)) {
    SetInternal(out, "module source or URL longer than V8's maximum string length");
    return kInternalError;
  }
  v8::ScriptOrigin origin(isolate, url_str, 0, 0, false, -1, v8::Local<v8::Value>(), false, false, true);
  v8::ScriptCompiler::Source source(src_str, origin);
  v8::Local<v8::Module> module;
  if (!v8::ScriptCompiler::CompileModule(isolate, &source).ToLocal(&module)) {
    EncodeJsError(isolate, ctx, tc, out->bytes);
    return kJsError;
  }
  *id = static_cast<uint32_t>(st->modules.size());
  st->modules.push_back(ModuleEntry{v8::Global<v8::Module>(isolate, module), std::string(url, url_len), {}});
  EnableModuleCallbacks(st);
  out->bytes.clear();
  v8::Local<v8::FixedArray> requests = module->GetModuleRequests();
  PutU32(out->bytes, static_cast<uint32_t>(requests->Length()));
  for (int i = 0; i < requests->Length(); i++) {
    PutStr(out->bytes, ToUtf8(isolate, requests->Get(ctx, i).As<v8::ModuleRequest>()->GetSpecifier()));
  }
  return kOk;
  PS_GUARD_END(out)
}

// Links module `id`'s requests, in request order, to the modules `targets` names.
int polysnap__Module__Link(PsState* st, uint32_t id, const uint32_t* targets, size_t count, PsBuf* out) {
  PS_GUARD_BEGIN
  if (!ModuleInRange(st, id, out)) return kInternalError;
  for (size_t i = 0; i < count; i++) {
    if (!ModuleInRange(st, targets[i], out)) return kInternalError;
  }
  st->modules[id].links.assign(targets, targets + count);
  return kOk;
  PS_GUARD_END(out)
}

// Instantiates module `id` (its graph linked by LinkModule) and evaluates it, draining the
// microtasks so that a top-level await settles before the next step.
int polysnap__Module__Evaluate(PsState* st, uint32_t id, PsBuf* out) {
  PS_GUARD_BEGIN
  if (!ModuleInRange(st, id, out)) return kInternalError;
  v8::Isolate* isolate = st->isolate;
  v8::Isolate::Scope iscope(isolate);
  v8::HandleScope hs(isolate);
  v8::Local<v8::Context> ctx = st->context.Get(isolate);
  v8::Context::Scope cscope(ctx);
  v8::TryCatch tc(isolate);
  tc.SetVerbose(false);
  EnableModuleCallbacks(st);
  v8::Local<v8::Module> module = st->modules[id].module.Get(isolate);
  v8::Local<v8::Value> result;
  bool ok = true;
  if (module->GetStatus() == v8::Module::kUninstantiated) {
    ok = module->InstantiateModule(ctx, ResolveLinked).FromMaybe(false);
  }
  ok = ok && module->Evaluate(ctx).ToLocal(&result) && SettleEvaluation(isolate, module, result);
  if (!ok) {
    EncodeJsError(isolate, ctx, tc, out->bytes);
    return kJsError;
  }
  out->bytes.clear();
  return kOk;
  PS_GUARD_END(out)
}

// Creates a named context like the default one (setup guards, natives on
// __polysnap_natives) and returns its index, which is its AddContext index at CreateBlob.
int polysnap__Builder__NewContext(PsState* st, uint32_t* index, PsBuf* out) {
  PS_GUARD_BEGIN
  if (st->built) {
    SetInternal(out, "the snapshot creator has already made its blob");
    return kInternalError;
  }
  v8::Isolate* isolate = st->isolate;
  v8::Isolate::Scope iscope(isolate);
  v8::HandleScope hs(isolate);
  v8::Local<v8::Context> ctx = NewContext(isolate);
  v8::Context::Scope cscope(ctx);
  st->named.emplace_back();
  NamedContext& named = st->named.back();
  named.context.Reset(isolate, ctx);
  PrepareBuilderContext(isolate, ctx, &named.guards);
  std::string error;
  const uint8_t* names = reinterpret_cast<const uint8_t*>(st->native_names.data());
  if (!InstallNatives(st, ctx, st->names_from, names, st->native_names.size(), &error)) {
    st->named.back().Reset();
    st->named.pop_back();
    SetInternal(out, error);
    return kInternalError;
  }
  *index = static_cast<uint32_t>(st->named.size() - 1);
  return kOk;
  PS_GUARD_END(out)
}

// Drops the last named context (its setup failed): it is not added to the blob.
int polysnap__Builder__DiscardContext(PsState* st, uint32_t index, PsBuf* out) {
  PS_GUARD_BEGIN
  if (st->named.empty() || index != st->named.size() - 1) {
    SetInternal(out, "only the last named context can be discarded");
    return kInternalError;
  }
  v8::Isolate::Scope iscope(st->isolate);
  st->named.back().Reset();
  st->named.pop_back();
  return kOk;
  PS_GUARD_END(out)
}

// Warm pass: deserializes the `count` named contexts of the base blob
// (Context::FromSnapshot) so CreateBlob adds them again, in the same order.
int polysnap__Builder__AdoptContexts(PsState* st, uint32_t count, PsBuf* out) {
  PS_GUARD_BEGIN
  if (st->built || st->existing_blob.data == nullptr || !st->named.empty()) {
    SetInternal(out, "contexts can only be adopted from the base blob by a fresh warm-pass creator");
    return kInternalError;
  }
  v8::Isolate* isolate = st->isolate;
  v8::Isolate::Scope iscope(isolate);
  for (uint32_t i = 0; i < count; i++) {
    v8::HandleScope hs(isolate);
    v8::Local<v8::Context> ctx;
    if (!v8::Context::FromSnapshot(isolate, i, WrapDeserializer()).ToLocal(&ctx)) {
      for (auto& n : st->named) n.Reset();
      st->named.clear();
      SetInternal(out, "the cold blob has no context at index " + std::to_string(i) +
                           " (expected " + std::to_string(count) + " named contexts)");
      return kInternalError;
    }
    // Deserialized in a SnapshotCreator: no Error.stackTraceLimit, no stubs, no guards.
    st->named.emplace_back();
    st->named.back().context.Reset(isolate, ctx);
  }
  return kOk;
  PS_GUARD_END(out)
}

// Warm pass: runs `src` in a throw-away context of this (existing-blob) creator, then makes
// a second fresh context the state's context. Compiled code lives on SharedFunctionInfos,
// which both contexts share; the warm-up's globals stay in the throw-away context.
int polysnap__Builder__WarmUp(PsState* st, const char* name, size_t name_len, const char* src,
                                size_t src_len, PsBuf* out) {
  PS_GUARD_BEGIN
  v8::Isolate* isolate = st->isolate;
  {
    v8::Isolate::Scope iscope(isolate);
    v8::HandleScope hs(isolate);
    v8::Local<v8::Context> ctx = NewContext(isolate);
    st->context.Reset(isolate, ctx);
    v8::Context::Scope cscope(ctx);
    PrepareBuilderContext(isolate, ctx, &st->guards);  // stacks for warm-up errors; discarded
  }
  int status = RunScript(st, kDefaultContext, name, name_len, src, src_len, out);
  {
    v8::Isolate::Scope iscope(isolate);
    v8::HandleScope hs(isolate);
    // Deserialized in a SnapshotCreator: has no Error.stackTraceLimit, nothing to strip.
    st->guards.Reset();  // the throw-away context is discarded with its stubs
    st->context.Reset(isolate, NewContext(isolate));
  }
  return status;
  PS_GUARD_END(out)
}

// Sets the default context, adds the named contexts in index order, creates the blob and
// hands it back as new[]-allocated bytes (free with polysnap__Blob__Delete). The state is
// spent afterwards (delete it).
int polysnap__Builder__CreateBlob(PsState* st, int keep_code, const uint8_t** data,
                                    size_t* len, PsBuf* out) {
  PS_GUARD_BEGIN
  if (st->built) {
    out->bytes = "CreateBlob called twice";
    return kInternalError;
  }
  v8::Isolate* isolate = st->isolate;
  v8::Isolate::Scope iscope(isolate);
  {
    v8::HandleScope hs(isolate);
    // Undo every context's setup guards first, so that a failure leaves V8 untouched (the
    // state can still be deleted, which makes and discards a blob of its own).
    std::string error;
    {
      v8::Local<v8::Context> ctx = st->context.Get(isolate);
      v8::Context::Scope cscope(ctx);
      if (!StripBuilderContext(isolate, ctx, &st->guards, &error)) {
        out->bytes = error;
        return kInternalError;
      }
    }
    for (size_t i = 0; i < st->named.size(); i++) {
      v8::Local<v8::Context> ctx = st->named[i].context.Get(isolate);
      v8::Context::Scope cscope(ctx);
      if (!StripBuilderContext(isolate, ctx, &st->named[i].guards, &error)) {
        out->bytes = "named context " + std::to_string(i) + ": " + error;
        return kInternalError;
      }
    }
    st->creator->SetDefaultContext(st->context.Get(isolate), WrapSerializer());
    for (size_t i = 0; i < st->named.size(); i++) {
      size_t index = st->creator->AddContext(st->named[i].context.Get(isolate), WrapSerializer());
      if (index != i) {
        // Not reachable with this shim (it adds every context here, in order); refusing is
        // still better than a blob whose indices disagree with the envelope.
        out->bytes = "V8 gave named context " + std::to_string(i) + " the index " +
                     std::to_string(index);
        st->ResetContexts();
        st->built = true;
        v8::StartupData blob =
            st->creator->CreateBlob(v8::SnapshotCreator::FunctionCodeHandling::kClear);
        delete[] blob.data;
        return kInternalError;
      }
    }
    // The modules, in id order, as the default context's data (LoadModules reads them back).
    for (size_t i = 0; i < st->modules.size(); i++) {
      size_t index = st->creator->AddData(st->context.Get(isolate), st->modules[i].module.Get(isolate));
      if (index != i) {
        out->bytes = "V8 gave module " + std::to_string(i) + " the data index " + std::to_string(index);
        st->ResetContexts();
        st->built = true;
        v8::StartupData blob =
            st->creator->CreateBlob(v8::SnapshotCreator::FunctionCodeHandling::kClear);
        delete[] blob.data;
        return kInternalError;
      }
    }
  }
  // No global handle may be alive at CreateBlob (the creator holds its own).
  st->ResetContexts();
  st->built = true;
  v8::StartupData blob = st->creator->CreateBlob(
      keep_code ? v8::SnapshotCreator::FunctionCodeHandling::kKeep
                : v8::SnapshotCreator::FunctionCodeHandling::kClear);
  if (blob.data == nullptr || blob.raw_size <= 0) {
    delete[] blob.data;
    out->bytes = "V8 SnapshotCreator::CreateBlob returned an empty blob";
    return kInternalError;
  }
  *data = reinterpret_cast<const uint8_t*>(blob.data);
  *len = static_cast<size_t>(blob.raw_size);
  return kOk;
  PS_GUARD_END(out)
}

void polysnap__Blob__Delete(const uint8_t* data) { delete[] reinterpret_cast<const char*>(data); }

// Destroys a creator state. A creator that never made its blob makes and discards one
// from a fresh context first: V8 aborts when a SnapshotCreator dies without CreateBlob.
void polysnap__Builder__Delete(PsState* st) {
  if (st == nullptr) return;
  try {
    v8::Isolate* isolate = st->isolate;
    if (st->creator != nullptr) {
      isolate->Enter();  // balanced by ~SnapshotCreator's Exit
      if (!st->built) {
        {
          v8::HandleScope hs(isolate);
          st->creator->SetDefaultContext(NewContext(isolate), WrapSerializer());
        }
        st->ResetContexts();
        st->built = true;
        v8::StartupData blob =
            st->creator->CreateBlob(v8::SnapshotCreator::FunctionCodeHandling::kClear);
        delete[] blob.data;
      }
      st->ResetContexts();
      delete st->creator;
    }
    delete[] st->existing_blob.data;
    delete st;
  } catch (...) {
    // Nothing sensible to do; the state leaks rather than aborting.
  }
}

// ---- runtime isolates --------------------------------------------------------------------

// Creates an isolate (from `blob` when non-null, else from V8's built-in snapshot) with
// `count` native slots, and a context. Natives [installed_from, count) are installed on
// __polysnap_natives (for a restored blob: those not in the blob's table), here and in
// every named context materialized later. `blob` must stay alive, unmoved, until
// polysnap__Runtime__Delete.
int polysnap__Runtime__NewFromSnapshot(const uint8_t* blob, size_t blob_len, uint32_t count,
                                 uint32_t installed_from, const uint8_t* names, size_t names_len,
                                 PsDispatchFn dispatch, void* dispatch_ctx, PsState** out_state,
                                 PsBuf* out) {
  PS_GUARD_BEGIN
  InitPlatform();
  std::unique_ptr<PsState> st(new PsState());
  InitSlots(st.get(), count);
  st->dispatch = dispatch;
  st->dispatch_ctx = dispatch_ctx;
  st->native_names.assign(reinterpret_cast<const char*>(names), names_len);
  st->names_from = installed_from;
  st->allocator = v8::ArrayBuffer::Allocator::NewDefaultAllocator();
  v8::Isolate::CreateParams params;
  params.array_buffer_allocator = st->allocator;
  params.external_references = st->refs.data();
  if (blob != nullptr) {
    if (blob_len > static_cast<size_t>(INT32_MAX)) {
      out->bytes = "snapshot larger than 2 GiB";
      delete st->allocator;
      return kInternalError;
    }
    st->startup = v8::StartupData{reinterpret_cast<const char*>(blob), static_cast<int>(blob_len)};
    params.snapshot_blob = &st->startup;
  }
  st->isolate = v8::Isolate::New(params);
  v8::Isolate* isolate = st->isolate;
  GuardHeapLimit(isolate);
  EnableModuleCallbacks(st.get());
  isolate->SetMicrotasksPolicy(v8::MicrotasksPolicy::kExplicit);
  std::string error;
  bool ok = true;
  {
    v8::Isolate::Scope iscope(isolate);
    if (blob != nullptr) {
      // A Date keeps the local-time fields it computed in the process that made the snapshot
      // (its time zone), valid while its cache stamp matches the isolate's. A new stamp and
      // this process's time zone make every restored Date compute them again, as fresh.
      isolate->DateTimeConfigurationChangeNotification(v8::Isolate::TimeZoneDetection::kRedetect);
    }
    v8::HandleScope hs(isolate);
    v8::Local<v8::Context> ctx = NewContext(isolate);
    v8::Context::Scope cscope(ctx);
    st->context.Reset(isolate, ctx);
    if (installed_from < count) {
      ok = InstallNatives(st.get(), ctx, installed_from, names, names_len, &error);
    }
  }
  *out_state = st.release();
  if (!ok) {
    out->bytes = error;
    return kInternalError;  // caller deletes the state
  }
  return kOk;
  PS_GUARD_END(out)
}

// Makes context `index` current for RunScript: `index` < 0 is the default context, else
// the snapshot's named context `index` (its AddContext index), deserialized with
// Context::FromSnapshot on first entry and kept. The natives the blob's table lacks are
// installed in it then. A missing index is an internal error (the Rust side checks names).
int polysnap__Runtime__EnterContext(PsState* st, int64_t index, PsBuf* out) {
  PS_GUARD_BEGIN
  if (index < 0) {
    st->current = kDefaultContext;
    return kOk;
  }
  if (st->startup.data == nullptr) {
    SetInternal(out, "this isolate was not restored from a snapshot: it has no named contexts");
    return kInternalError;
  }
  size_t i = static_cast<size_t>(index);
  if (i >= st->named.size()) st->named.resize(i + 1);
  if (st->named[i].context.IsEmpty()) {
    v8::Isolate* isolate = st->isolate;
    v8::Isolate::Scope iscope(isolate);
    v8::HandleScope hs(isolate);
    v8::Local<v8::Context> ctx;
    if (!v8::Context::FromSnapshot(isolate, i, WrapDeserializer()).ToLocal(&ctx)) {
      SetInternal(out, "V8 found no context at index " + std::to_string(i) +
                           " in the snapshot (Context::FromSnapshot returned nothing)");
      return kInternalError;
    }
    if (st->names_from < st->slot_count) {
      v8::Context::Scope cscope(ctx);
      std::string error;
      const uint8_t* names = reinterpret_cast<const uint8_t*>(st->native_names.data());
      if (!InstallNatives(st, ctx, st->names_from, names, st->native_names.size(), &error)) {
        SetInternal(out, error);
        return kInternalError;
      }
    }
    st->named[i].context.Reset(isolate, ctx);
  }
  st->current = index;
  return kOk;
  PS_GUARD_END(out)
}

// Runs a script in the current context (see polysnap__Runtime__EnterContext).
int polysnap__Runtime__RunScript(PsState* st, const char* name, size_t name_len, const char* src,
                           size_t src_len, PsBuf* out) {
  PS_GUARD_BEGIN
  return RunScript(st, st->current, name, name_len, src, src_len, out);
  PS_GUARD_END(out)
}

// ---- code cache ------------------------------------------------------------------------
//
// V8's code cache for classic scripts, in a runtime's current context. Producing runs the
// script and then serializes its UnboundScript (ScriptCompiler::CreateCodeCache), so every
// function compiled by the run is included; consuming compiles with kConsumeCodeCache and
// reports CachedData::rejected. V8 checks a cache's magic number, V8 version, source hash
// (the source's *length*, plus a module bit), flag hash and payload length, and rejects a
// mismatch by compiling from source (its payload checksum is off: see InitPlatform). The
// Rust side (src/code_cache.rs) wraps caches in its own envelope (hash of the whole source,
// build identity, checksum) and checks it first: V8 accepts a cache of another source of the
// same length and runs the cached code.

// Runs a script in the current context and writes V8's code cache for it, made after the
// run, into `cache` (left empty when V8 cannot make one, e.g. for asm.js modules).
int polysnap__Runtime__RunProducingCache(PsState* st, const char* name, size_t name_len,
                                          const char* src, size_t src_len, PsBuf* cache,
                                          PsBuf* out) {
  PS_GUARD_BEGIN
  CodeCacheIo io;
  io.produce = true;
  io.produced = &cache->bytes;
  return RunScript(st, st->current, name, name_len, src, src_len, out, &io);
  PS_GUARD_END(out)
}

// Compiles a script in the current context with `data[0..len)` as its code cache
// (kConsumeCodeCache; the bytes are read during the call only), runs it, and sets
// `*rejected` to 1 when V8 rejected the cache (it then compiled from source), else 0.
int polysnap__Runtime__RunConsumingCache(PsState* st, const char* name, size_t name_len,
                                          const char* src, size_t src_len, const uint8_t* data,
                                          size_t len, int* rejected, PsBuf* out) {
  PS_GUARD_BEGIN
  *rejected = 1;
  if (data == nullptr || len == 0 || len > static_cast<size_t>(INT32_MAX)) {
    SetInternal(out, "code cache empty or larger than 2 GiB");
    return kInternalError;
  }
  CodeCacheIo io;
  io.consume = data;
  io.consume_len = len;
  int status = RunScript(st, st->current, name, name_len, src, src_len, out, &io);
  *rejected = io.rejected ? 1 : 0;
  return status;
  PS_GUARD_END(out)
}

// Runs a script in the current context like polysnap__Runtime__RunScript and keeps its
// UnboundScript (a global handle, until polysnap__Runtime__ForgetScript or the state's
// deletion) under the id written to `*id`, for polysnap__Runtime__CreateCodeCache later.
// A script that throws is not kept.
int polysnap__Runtime__RunKeepingScript(PsState* st, const char* name, size_t name_len,
                                         const char* src, size_t src_len, uint64_t* id,
                                         PsBuf* out) {
  PS_GUARD_BEGIN
  *id = 0;
  CodeCacheIo io;
  io.keep_id = id;
  return RunScript(st, st->current, name, name_len, src, src_len, out, &io);
  PS_GUARD_END(out)
}

// Writes V8's code cache of kept script `id` into `cache`, as it is now (with every function
// compiled so far); empty when V8 cannot make one. An id this state does not keep is an
// internal error.
int polysnap__Runtime__CreateCodeCache(PsState* st, uint64_t id, PsBuf* cache, PsBuf* out) {
  PS_GUARD_BEGIN
  for (auto& kept : st->kept_scripts) {
    if (kept.first != id) continue;
    v8::Isolate* isolate = st->isolate;
    v8::Isolate::Scope iscope(isolate);
    v8::HandleScope hs(isolate);
    v8::Context::Scope cscope(st->context.Get(isolate));
    CreateCodeCache(kept.second.Get(isolate), &cache->bytes);
    return kOk;
  }
  SetInternal(out, "no kept script with id " + std::to_string(id) + " in this isolate");
  return kInternalError;
  PS_GUARD_END(out)
}

// Releases kept script `id` (nothing when this state does not keep it).
// How many opaque handles the state keeps for the host.
// Takes the snapshot's `count` modules back from the default context's data, in id order
// (once per runtime, before any other use of them); `urls` holds their URLs in the same
// order (count x (u32 len, UTF-8)).
int polysnap__Runtime__LoadModules(PsState* st, uint32_t count, const uint8_t* urls, size_t urls_len,
                                   PsBuf* out) {
  PS_GUARD_BEGIN
  v8::Isolate* isolate = st->isolate;
  v8::Isolate::Scope iscope(isolate);
  v8::HandleScope hs(isolate);
  v8::Local<v8::Context> ctx = st->context.Get(isolate);
  v8::Context::Scope cscope(ctx);
  size_t pos = 0;
  for (uint32_t i = 0; i < count; i++) {
    v8::Local<v8::Module> module;
    if (!ctx->GetDataFromSnapshotOnce<v8::Module>(i).ToLocal(&module)) {
      SetInternal(out, "the snapshot has no module at data index " + std::to_string(i));
      st->modules.clear();
      return kInternalError;
    }
    uint32_t len = 0;
    if (pos + 4 > urls_len || (std::memcpy(&len, urls + pos, 4), pos + 4 + len > urls_len)) {
      SetInternal(out, "the module URL list is shorter than its " + std::to_string(count) + " modules");
      st->modules.clear();
      return kInternalError;
    }
    std::string url(reinterpret_cast<const char*>(urls + pos + 4), len);
    pos += 4 + len;
    st->modules.push_back(ModuleEntry{v8::Global<v8::Module>(isolate, module), url, {}});
  }
  EnableModuleCallbacks(st);
  return kOk;
  PS_GUARD_END(out)
}

// Sets the host's answer to `import()` (see ImportDynamically); `ctx` is passed back to
// `fn` and must stay valid until the state is deleted.
void polysnap__Runtime__SetImportHandler(PsState* st, PsImportFn fn, void* ctx) {
  st->import_fn = fn;
  st->import_ctx = ctx;
}

// Module `id`'s namespace object, encoded like a script's completion value.
int polysnap__Module__Namespace(PsState* st, uint32_t id, PsBuf* out) {
  PS_GUARD_BEGIN
  if (!ModuleInRange(st, id, out)) return kInternalError;
  v8::Isolate* isolate = st->isolate;
  v8::Isolate::Scope iscope(isolate);
  v8::HandleScope hs(isolate);
  v8::Local<v8::Context> ctx = st->context.Get(isolate);
  v8::Context::Scope cscope(ctx);
  v8::TryCatch tc(isolate);
  tc.SetVerbose(false);
  v8::Local<v8::Module> module = st->modules[id].module.Get(isolate);
  if (module->GetStatus() < v8::Module::kInstantiated) {
    SetInternal(out, "module " + std::to_string(id) + " was never instantiated");
    return kInternalError;
  }
  out->bytes.clear();
  uint64_t mark = st->next_handle;
  Encoder enc{st, isolate, ctx, out->bytes, {}, {}};
  if (!enc.Encode(module->GetModuleNamespace(), 0)) {
    st->ReleaseHandlesFrom(mark);
    EncodeJsError(isolate, ctx, tc, out->bytes);
    return kJsError;
  }
  return kOk;
  PS_GUARD_END(out)
}

uint64_t polysnap__Runtime__HandleCount(PsState* st) { return st == nullptr ? 0 : st->handles.size(); }

// Releases every opaque handle the state keeps for the host.
void polysnap__Runtime__ReleaseHandles(PsState* st) {
  if (st == nullptr || st->isolate == nullptr) return;
  try {
    v8::Isolate::Scope iscope(st->isolate);
    st->handles.clear();
  } catch (...) {
  }
}

void polysnap__Runtime__ForgetScript(PsState* st, uint64_t id) {
  if (st == nullptr || st->isolate == nullptr) return;
  try {
    v8::Isolate::Scope iscope(st->isolate);
    auto& v = st->kept_scripts;
    for (size_t i = 0; i < v.size(); i++) {
      if (v[i].first == id) {
        v.erase(v.begin() + static_cast<std::ptrdiff_t>(i));
        return;
      }
    }
  } catch (...) {
  }
}

// ScriptCompiler::CachedDataVersionTag(): V8's tag for the version and flags a code cache
// depends on (equal tags: this process would not reject a cache for those reasons). Call
// after polysnap__Platform__Init.
uint32_t v8__ScriptCompiler__CachedDataVersionTag() {
  return v8::ScriptCompiler::CachedDataVersionTag();
}

// The raw engine objects, for C++ code compiled against the same V8 headers: the
// isolate, and the default context as a v8::Global<v8::Context> owned by the state.
void* polysnap__Runtime__Raw(PsState* st) { return st == nullptr ? nullptr : st->isolate; }
void* polysnap__Runtime__RawDefaultContext(PsState* st) { return st == nullptr ? nullptr : &st->context; }

void polysnap__Runtime__Delete(PsState* st) {
  if (st == nullptr) return;
  try {
    if (st->isolate != nullptr) {
      v8::Isolate::Scope iscope(st->isolate);
      st->ResetContexts();
    }
    if (st->isolate != nullptr) st->isolate->Dispose();
    delete st->allocator;
    delete st;
  } catch (...) {
  }
}

}  // extern "C"
