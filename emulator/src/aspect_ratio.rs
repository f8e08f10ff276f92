//! The seven aspect ratios Reve offers, and the pixel size the emulator renders for each.

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AspectRatio {
    pub w: u32,
    pub h: u32,
}

/// Every ratio `reveParams.aspect_ratio` accepts, in the provider's order.
pub const ALL: [&str; 7] = ["16:9", "9:16", "3:2", "2:3", "4:3", "3:4", "1:1"];

/// The ratio used when a request names none (the API documents no default).
pub const DEFAULT: &str = "1:1";

impl AspectRatio {
    pub fn parse(s: &str) -> Option<Self> {
        if !ALL.contains(&s) {
            return None;
        }
        let (w, h) = s.split_once(':')?;
        Some(Self {
            w: w.parse().ok()?,
            h: h.parse().ok()?,
        })
    }

    /// Pixel size with the long side as close to 1024 as an exact ratio allows.
    pub fn pixels(&self) -> (u32, u32) {
        let unit = 1024 / self.w.max(self.h);
        (self.w * unit, self.h * unit)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_ratio_renders_exactly() {
        for s in ALL {
            let r = AspectRatio::parse(s).unwrap();
            let (w, h) = r.pixels();
            assert_eq!(
                u64::from(w) * u64::from(r.h),
                u64::from(h) * u64::from(r.w),
                "{s}"
            );
            assert!((1000..=1024).contains(&w.max(h)), "{s}: {w}x{h}");
        }
        assert_eq!(AspectRatio::parse("16:9").unwrap().pixels(), (1024, 576));
        assert!(AspectRatio::parse("5:4").is_none());
    }
}
