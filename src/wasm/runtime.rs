//! What `std` would have provided: the panic handler (the allocator is `allocator.rs`).
//! Without `std`, a panic never formats its message, so `core::fmt` stays out of the module.

/// A panic traps (as `panic = "abort"` did with `std`): the call throws a `RuntimeError` in
/// JavaScript. The core is written and fuzzed not to panic.
#[panic_handler]
fn panic(_: &core::panic::PanicInfo) -> ! {
    core::arch::wasm32::unreachable()
}
