//! Deterministic PNG "generations": the same (prompt, seed, aspect ratio) always gives the
//! same bytes, so tests and people can see that reusing a seed reproduces a result.

use crate::aspect_ratio::AspectRatio;
use crate::rng::{hash64, SplitMix64};

struct Disc {
    x: f32,
    y: f32,
    r2: f32,
    rgb: [f32; 3],
    alpha: f32,
}

pub fn render_png(prompt: &str, seed: i64, ratio: AspectRatio) -> Vec<u8> {
    let (w, h) = ratio.pixels();
    let mut key = Vec::with_capacity(prompt.len() + 32);
    key.extend_from_slice(prompt.as_bytes());
    key.extend_from_slice(&seed.to_le_bytes());
    key.extend_from_slice(format!("{}:{}", ratio.w, ratio.h).as_bytes());
    let mut rng = SplitMix64::new(hash64(&key));

    let mut colour = || {
        [
            rng.next_f64() as f32,
            rng.next_f64() as f32,
            rng.next_f64() as f32,
        ]
    };
    let top = colour();
    let bottom = colour();
    let mut discs = Vec::new();
    let count = 3 + (rng.next_u64() % 5) as usize;
    for _ in 0..count {
        let r = (0.08 + 0.25 * rng.next_f64() as f32) * w.min(h) as f32;
        discs.push(Disc {
            x: rng.next_f64() as f32 * w as f32,
            y: rng.next_f64() as f32 * h as f32,
            r2: r * r,
            rgb: [
                rng.next_f64() as f32,
                rng.next_f64() as f32,
                rng.next_f64() as f32,
            ],
            alpha: 0.35 + 0.4 * rng.next_f64() as f32,
        });
    }

    let mut pixels = Vec::with_capacity((w * h * 3) as usize);
    for y in 0..h {
        let t = y as f32 / (h - 1).max(1) as f32;
        for x in 0..w {
            let s = x as f32 / (w - 1).max(1) as f32 * 0.25;
            let mut px = [0f32; 3];
            for c in 0..3 {
                px[c] = top[c] * (1.0 - t) + bottom[c] * t + s * (bottom[c] - top[c]) * 0.5;
            }
            for d in &discs {
                let (dx, dy) = (x as f32 - d.x, y as f32 - d.y);
                if dx * dx + dy * dy <= d.r2 {
                    for (p, rgb) in px.iter_mut().zip(d.rgb) {
                        *p = *p * (1.0 - d.alpha) + rgb * d.alpha;
                    }
                }
            }
            for v in px {
                pixels.push((v.clamp(0.0, 1.0) * 255.0) as u8);
            }
        }
    }

    let mut out = Vec::new();
    {
        let mut enc = png::Encoder::new(&mut out, w, h);
        enc.set_color(png::ColorType::Rgb);
        enc.set_depth(png::BitDepth::Eight);
        enc.set_compression(png::Compression::Fast);
        // Writing into a Vec cannot fail for a header and data of the declared size.
        if let Ok(mut writer) = enc.write_header() {
            let _ = writer.write_image_data(&pixels);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn size_of(png: &[u8]) -> (u32, u32) {
        let w = u32::from_be_bytes(png[16..20].try_into().unwrap());
        let h = u32::from_be_bytes(png[20..24].try_into().unwrap());
        (w, h)
    }

    #[test]
    fn same_inputs_same_bytes_other_seed_other_bytes() {
        let r = AspectRatio::parse("16:9").unwrap();
        let a = render_png("a cat", 7, r);
        assert_eq!(a, render_png("a cat", 7, r));
        assert_ne!(a, render_png("a cat", 8, r));
        assert_eq!(&a[..8], b"\x89PNG\r\n\x1a\n");
        assert_eq!(size_of(&a), (1024, 576));
    }
}
