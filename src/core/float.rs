//! `f64` helpers that cannot panic. `f64::clamp` panics when its bounds are NaN or crossed,
//! and its panic message prints floats: that alone pulls float formatting (about 15 KB) into
//! the WebAssembly module.

/// `x` limited to `[lo, hi]`; never panics. A NaN `x` gives `lo`; crossed bounds give `hi`.
pub fn clamp(x: f64, lo: f64, hi: f64) -> f64 {
    x.max(lo).min(hi)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clamps_without_panicking() {
        assert_eq!(clamp(5.0, 0.0, 1.0), 1.0);
        assert_eq!(clamp(-5.0, 0.0, 1.0), 0.0);
        assert_eq!(clamp(0.5, 0.0, 1.0), 0.5);
        assert_eq!(clamp(f64::NAN, 0.0, 1.0), 0.0);
        assert_eq!(clamp(0.5, 1.0, 0.0), 0.0);
        assert_eq!(clamp(0.5, f64::NAN, f64::NAN), 0.5);
    }
}
