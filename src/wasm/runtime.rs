//! What `std` would have provided: the allocator and the panic handler. Without `std`, a panic
//! never formats its message, so `core::fmt` stays out of the module.

/// The allocator: the same dlmalloc that `std` uses on `wasm32-unknown-unknown`.
#[global_allocator]
static ALLOCATOR: dlmalloc::GlobalDlmalloc = dlmalloc::GlobalDlmalloc;

/// A panic traps (as `panic = "abort"` did with `std`): the call throws a `RuntimeError` in
/// JavaScript. The core is written and fuzzed not to panic.
#[panic_handler]
fn panic(_: &core::panic::PanicInfo) -> ! {
    core::arch::wasm32::unreachable()
}
